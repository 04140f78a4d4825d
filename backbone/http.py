"""What the services' HTTP APIs share: the request headers they read, and how they answer errors, as
problem details (``backbone.problems``): 422 names each field and rule, 409 says which rule of the case's
state was broken, 404 names what was not found. Nothing is recorded in any of these cases."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from backbone.continuity import StoreBehindTopic
from backbone.errors import DomainRuleViolation, FieldProblem, InvalidCommand, NotFound
from backbone.http_tracing import CORRELATION_HEADER, correlation_of
from backbone.problems import Problem, problem_response, problem_responses

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
    """Every error as problem details (``backbone.problems``); the OpenAPI document says so too."""

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        return _unprocessable(InvalidCommand("request", [_problem(item) for item in error.errors()]))

    @app.exception_handler(InvalidCommand)
    async def _invalid_command(_: Request, error: InvalidCommand) -> JSONResponse:
        return _unprocessable(error)

    @app.exception_handler(DomainRuleViolation)
    async def _rule_violation(_: Request, error: DomainRuleViolation) -> JSONResponse:
        return problem_response(
            getattr(error, "http_status", 409), str(error), code=getattr(error, "code", None)
        )

    @app.exception_handler(StoreBehindTopic)
    async def _behind(_: Request, error: StoreBehindTopic) -> JSONResponse:
        # Nothing was recorded; the operator recovers the store, then the same request succeeds.
        return problem_response(503, str(error), code="store_behind_topic", headers={"Retry-After": "30"})

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, error: NotFound) -> JSONResponse:
        return problem_response(404, str(error))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        return problem_response(error.status_code, str(error.detail), headers=error.headers)

    install_problem_schema(app)


def install_problem_schema(app: FastAPI) -> None:
    """The ``Problem`` schema in the document's components, and every 422 (FastAPI's own included) as
    ``application/problem+json`` of it."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        schemas.update(Problem.model_json_schema(ref_template="#/components/schemas/{model}").pop("$defs"))
        schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas["Problem"].pop("$defs", None)
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                if "422" in operation.get("responses", {}):
                    operation["responses"]["422"] = problem_responses(422)[422]
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _problem(item: dict[str, Any]) -> FieldProblem:
    location = [
        str(part) for part in item.get("loc", ()) if part not in ("body", "header", "path", "query")
    ]
    return FieldProblem(
        ".".join(location) or "(body)", str(item.get("type", "invalid")), str(item.get("msg", ""))
    )


def _unprocessable(error: InvalidCommand) -> JSONResponse:
    return problem_response(422, str(error), errors=error.problems)
