"""Headers on every response of an HTTP API: the API's version (Dutch API Design Rules, API-57) and the
security headers. The Content-Security-Policy allows only the API's own origin: the dashboard loads its
scripts, stylesheet and data from here and sets inline styles on its charts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from fastapi import FastAPI, Request
from fastapi.responses import Response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# The Swagger UI page (``backbone.http_docs``): its assets are local, its start-up script inline.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def content_security_policy(connect_to: Sequence[str] = ()) -> str:
    """The policy, letting pages also fetch from the origins ``connect_to``: the dashboard exchanges its
    sign-in code at the identity provider's token endpoint."""
    if not connect_to:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace(
        "connect-src 'self'", f"connect-src 'self' {' '.join(connect_to)}"
    )


def answer_with_headers(
    app: FastAPI, version: str, docs_path: str | None = None, connect_to: Sequence[str] = ()
) -> None:
    policy = content_security_policy(connect_to)

    @app.middleware("http")
    async def _headed(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        docs = docs_path is not None and request.url.path == docs_path
        response.headers.update(
            {
                "API-Version": version,
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": DOCS_POLICY if docs else policy,
                "Referrer-Policy": "no-referrer",
                "X-Frame-Options": "DENY",
            }
        )
        return response
