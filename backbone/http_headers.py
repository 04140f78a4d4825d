"""Headers on every response of an HTTP API: the API's version (Dutch API Design Rules, API-57) and the
security headers. The Content-Security-Policy allows only the API's own origin, and no inline script: the
dashboard and the API's docs (``backbone.http_docs``) load their scripts, stylesheets and data from here
and set inline styles (the dashboard's charts, Swagger UI)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from fastapi import FastAPI, Request
from fastapi.responses import Response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def content_security_policy(connect_to: Sequence[str] = ()) -> str:
    """The policy, letting pages also fetch from the origins ``connect_to``: the dashboard exchanges its
    sign-in code at the identity provider's token endpoint."""
    if not connect_to:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace(
        "connect-src 'self'", f"connect-src 'self' {' '.join(connect_to)}"
    )


def answer_with_headers(app: FastAPI, version: str, connect_to: Sequence[str] = ()) -> None:
    headers = {
        "API-Version": version,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": content_security_policy(connect_to),
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }
    app.state.headers_of_every_response = headers

    @app.middleware("http")
    async def _headed(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.update(headers)
        return response


def headers_of_every_response(app: FastAPI) -> dict[str, str]:
    """The headers ``answer_with_headers`` gives ``app``'s responses, for one answered outside its
    middleware: Starlette answers an unexpected error (the catch-all 500) outside every middleware."""
    return dict(getattr(app.state, "headers_of_every_response", {}))
