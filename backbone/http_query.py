"""Unknown query parameters are refused. FastAPI ignores a parameter an operation does not take, so a
misspelt filter (``?procdure=family``) would answer with every procedure's numbers as if it were the
filter's. An operation under ``/v1/`` answers 422 instead, naming each unknown parameter and the ones
it takes; the OpenAPI document declares that 422 on every such operation."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from backbone.errors import FieldProblem, InvalidCommand
from backbone.problems import problem_responses

API_PREFIX = "/v1/"


_NAMES = "_backbone_query_names"  # kept on the route: worked out once per operation


def _query_names(route: APIRoute) -> frozenset[str]:
    names: frozenset[str] | None = getattr(route, _NAMES, None)
    if names is None:
        names = frozenset(_names_in(route.dependant))
        setattr(route, _NAMES, names)
    return names


def _names_in(dependant: Dependant) -> set[str]:
    """The query parameters of an operation and of every dependency it has (e.g. ``looking``'s purpose)."""
    names = {str(parameter.alias) for parameter in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _names_in(dependency)
    return names


def _known_query_only(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not route.path.startswith(API_PREFIX):
        return
    known = _query_names(route)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        takes = ", ".join(sorted(known)) or "none"
        raise InvalidCommand(
            "request",
            [
                FieldProblem(
                    name, "unknown_parameter", f"this operation takes no {name!r}; it takes: {takes}"
                )
                for name in unknown
            ],
        )


KNOWN_QUERY_ONLY = Depends(_known_query_only)


def declare_unknown_query_refusals(app: FastAPI) -> None:
    """Every ``/v1/`` operation of the OpenAPI document may answer 422 (an unknown query parameter)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        for path, operations in document.get("paths", {}).items():
            if path.startswith(API_PREFIX):
                for operation in operations.values():
                    operation.setdefault("responses", {}).setdefault("422", problem_responses(422)[422])
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
