"""Each request of an HTTP API: its correlation id, its line in the access log and its duration.

The correlation id is the request's ``X-Correlation-ID`` if that is a UUID, else the trace id of its W3C
``traceparent``, else a new UUID. It is bound to every log line of the request, it is the correlation id
of the commands the request gives (``CorrelationId`` in ``backbone.http``), and every response carries
it back as ``X-Correlation-ID`` and as a ``traceparent``. The access log names the route's template, never
the path itself, its query, a header or a body: ids and personal data stay out of the logs.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from uuid import uuid4

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from backbone.http_headers import headers_of_every_response
from backbone.metrics import REQUEST_SECONDS
from backbone.problems import problem_response
from backbone.trace_context import (
    correlation_from_header,
    correlation_from_traceparent,
    request_traceparent,
)

CORRELATION_HEADER = "X-Correlation-ID"
UNMATCHED = "(unmatched)"

log = structlog.get_logger("backbone.http")


def correlation_of(request: Request) -> str:
    """The request's correlation id, worked out once and kept in its state."""
    known: str | None = getattr(request.state, "correlation_id", None)
    if known is None:
        headers = request.headers
        known = (
            correlation_from_header(headers.get(CORRELATION_HEADER))
            or correlation_from_traceparent(headers.get("traceparent"))
            or str(uuid4())
        )
        request.state.correlation_id = known
    return known


def trace_requests(app: FastAPI) -> None:
    """Every request gets its correlation id, an ``http_request`` log line and its duration in
    ``backbone_http_request_seconds``; every response, the correlation id's headers."""

    @app.middleware("http")
    async def _traced(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        correlation_id = correlation_of(request)
        with structlog.contextvars.bound_contextvars(correlation_id=correlation_id):
            try:
                response = await call_next(request)
            except Exception:
                _observe(request, 500, started)  # answered by ``_unexpected`` below
                raise
            _observe(request, response.status_code, started)
        response.headers.update(_echoed(correlation_id))
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, _: Exception) -> JSONResponse:
        # Starlette answers an unexpected error outside every middleware, so the headers are added here;
        # the error itself is still logged by the server, with its traceback.
        correlation_id = correlation_of(request)
        return problem_response(
            500,
            f"the request failed; see the logs of correlation id {correlation_id}",
            headers={**headers_of_every_response(request.app), **_echoed(correlation_id)},
        )


def _observe(request: Request, status: int, started: float) -> None:
    seconds = time.perf_counter() - started
    route = getattr(request.scope.get("route"), "path", UNMATCHED)
    REQUEST_SECONDS.labels(request.method, route, str(status)).observe(seconds)
    log.info(
        "http_request",
        method=request.method,
        route=route,
        status=status,
        duration_ms=round(seconds * 1000, 2),
    )


def _echoed(correlation_id: str) -> dict[str, str]:
    return {CORRELATION_HEADER: correlation_id, "traceparent": request_traceparent(correlation_id)}
