"""What the services' HTTP APIs share: the request headers they read, and how they answer errors: 422
names each field and rule, 409 says which rule of the case's state was broken, 404 names what was not
found. Nothing is recorded in any of these cases."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from backbone.continuity import StoreBehindTopic
from backbone.errors import DomainRuleViolation, FieldProblem, InvalidCommand, NotFound
from backbone.http_tracing import CORRELATION_HEADER, correlation_of

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Repeat a request safely: same key, same result."),
]


def _request_correlation_id(
    request: Request,
    _correlation: Annotated[
        str | None,
        Header(
            alias=CORRELATION_HEADER,
            description="A UUID naming the request in logs and events; echoed in the response.",
        ),
    ] = None,
    _traceparent: Annotated[
        str | None,
        Header(
            alias="traceparent",
            description="W3C Trace Context: its trace id is the correlation id without X-Correlation-ID.",
        ),
    ] = None,
) -> str:
    return correlation_of(request)  # the headers are declared above for the OpenAPI document


# The request's correlation id (see ``backbone.http_tracing``), for the commands it gives.
CorrelationId = Annotated[str, Depends(_request_correlation_id)]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [_problem(item) for item in error.errors()]
        return _unprocessable(InvalidCommand("request", problems))

    @app.exception_handler(InvalidCommand)
    async def _invalid_command(_: Request, error: InvalidCommand) -> JSONResponse:
        return _unprocessable(error)

    @app.exception_handler(DomainRuleViolation)
    async def _rule_violation(_: Request, error: DomainRuleViolation) -> JSONResponse:
        status = getattr(error, "http_status", 409)
        return JSONResponse(status_code=status, content={"error": "rule_violation", "message": str(error)})

    @app.exception_handler(StoreBehindTopic)
    async def _behind(_: Request, error: StoreBehindTopic) -> JSONResponse:
        # Nothing was recorded; the operator recovers the store, then the same request succeeds.
        return JSONResponse(
            status_code=503,
            content={"error": "store_behind_topic", "message": str(error)},
            headers={"Retry-After": "30"},
        )

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, error: NotFound) -> JSONResponse:
        return JSONResponse(status_code=404, content={"error": "not_found", "message": str(error)})


def _problem(item: dict[str, Any]) -> FieldProblem:
    location = [
        str(part) for part in item.get("loc", ()) if part not in ("body", "header", "path", "query")
    ]
    return FieldProblem(
        ".".join(location) or "(body)", str(item.get("type", "invalid")), str(item.get("msg", ""))
    )


def _unprocessable(error: InvalidCommand) -> JSONResponse:
    return JSONResponse(status_code=422, content={"error": "invalid_command", **error.as_dict()})
