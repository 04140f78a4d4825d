"""Bearer tokens on the HTTP API: who may call which operation.

An operation states the roles it needs with ``requires(Role.X, ...)`` (any one of them will do). The
dependency reads ``Authorization: Bearer <token>``, checks it with the app's ``TokenVerifier`` (set by
``install_token_checks``) and hands the operation the verified ``Principal``. Refusals are problem
details that name what is missing and never quote the token: 401 with ``WWW-Authenticate`` (RFC 6750)
for a missing or refused token, 403 naming the roles for a caller without one, 503 when the identity
provider's keys cannot be had.

The OpenAPI document gets the ``bearer`` security scheme, and each guarded operation its ``security``
with the role names (OpenAPI 3.1 lets a non-OAuth scheme list roles there), ``x-roles`` and its 401
and 403 responses; ``role_table`` lists the same for the docs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from backbone.identity.errors import IdentityProviderUnavailable, InvalidToken, MissingRole
from backbone.identity.principal import Principal, Role
from backbone.identity.verifier import TokenVerifier
from backbone.problems import problem_response, problem_responses

SCHEME = "bearer"
_bearer = HTTPBearer(
    scheme_name=SCHEME,
    bearerFormat="JWT",
    description="An access token of the backbone's identity provider (Keycloak's realm `ind`; in "
    "embedded mode the development issuer: `backbone token --role ROLE`). Each operation names the "
    "roles that may call it; one of them is enough.",
    auto_error=False,  # we answer a missing token ourselves, as problem details
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
MISSING = "missing: send the header Authorization: Bearer <access token>"


@dataclass(frozen=True)
class _Guard:
    """The dependency of an operation that needs one of ``roles``; FastAPI calls it per request."""

    roles: tuple[Role, ...]

    def __call__(self, request: Request, credentials: Credentials) -> Principal:
        verifier: TokenVerifier = request.app.state.token_verifier
        if credentials is None:
            raise InvalidToken(MISSING)
        principal = verifier.verify(credentials.credentials)
        principal.require_any(*self.roles)
        request.state.principal = principal  # for the access log line
        return principal


def requires(*roles: Role) -> Any:
    """``Depends`` on a caller holding one of ``roles``; its value is the caller's ``Principal``: put
    it in ``dependencies=[...]``, or take the caller as ``caller: Annotated[Principal, requires(...)]``."""
    if not roles:
        raise ValueError("requires() needs at least one role; an open operation does not use it")
    return Depends(_Guard(tuple(roles)))


def install_token_checks(app: FastAPI, verifier: TokenVerifier) -> None:
    """Check every guarded operation's token with ``verifier``; answer refusals as problem details;
    describe the scheme and the roles in the OpenAPI document."""
    app.state.token_verifier = verifier

    @app.exception_handler(InvalidToken)
    async def _refused(_: Request, error: InvalidToken) -> JSONResponse:
        challenge = (
            'Bearer realm="backbone"'
            if error.reason == MISSING
            else f'Bearer realm="backbone", error="invalid_token", error_description="{error.reason}"'
        )
        code = "unauthenticated" if error.reason == MISSING else "invalid_token"
        return problem_response(401, str(error), code=code, headers={"WWW-Authenticate": challenge})

    @app.exception_handler(MissingRole)
    async def _forbidden(_: Request, error: MissingRole) -> JSONResponse:
        challenge = (
            f'Bearer realm="backbone", error="insufficient_scope", scope="{" ".join(error.required)}"'
        )
        return problem_response(
            403, str(error), code="missing_role", headers={"WWW-Authenticate": challenge}
        )

    @app.exception_handler(IdentityProviderUnavailable)
    async def _no_keys(_: Request, error: IdentityProviderUnavailable) -> JSONResponse:
        return problem_response(
            503, str(error), code="identity_provider_unavailable", headers={"Retry-After": "30"}
        )

    _check_tokens_before_bodies(app)
    _describe_roles(app)


def _check_tokens_before_bodies(app: FastAPI) -> None:
    """FastAPI reads a request's body before the operation's dependencies run, so a caller without a
    token who sends a malformed body would learn the operation's fields from a 422 instead of getting
    a 401. Wrap the app's answer to an invalid request (``install_error_handlers``, installed first):
    a guarded operation checks the token first, and answers its refusal (with the app's own handler
    of that refusal) if it has one."""
    invalid_request = app.exception_handlers.get(RequestValidationError)
    if invalid_request is None:
        return

    @app.exception_handler(RequestValidationError)
    async def _token_before_body(request: Request, error: RequestValidationError) -> Any:
        route = request.scope.get("route")
        roles = _roles_of(route.dependant) if isinstance(route, APIRoute) else ()
        if roles:
            credentials = await _bearer(request)
            try:
                await run_in_threadpool(_Guard(roles), request, credentials)
            except (InvalidToken, MissingRole, IdentityProviderUnavailable) as refused:
                handlers = app.exception_handlers
                kind = next(kind for kind in type(refused).__mro__ if kind in handlers)
                return await _answered(handlers[kind](request, refused))
        return await _answered(invalid_request(request, error))


async def _answered(answer: Any) -> Any:
    """An exception handler's answer, whether it was a coroutine's or a plain function's."""
    return await answer if inspect.isawaitable(answer) else answer


@dataclass(frozen=True)
class Guarded:
    method: str
    path: str
    summary: str
    roles: tuple[Role, ...]


def role_table(app: FastAPI) -> list[Guarded]:
    """Every operation of ``app`` in its OpenAPI document, with the roles that may call it (none: open)."""
    rows = []
    # FastAPI 0.16x keeps included routers as they are; this walks them as the OpenAPI document does.
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            roles = _roles_of(route.dependant)
            path = route.path_format or ""
            for method in sorted((route.methods or set()) - {"HEAD"}):
                rows.append(Guarded(method, path, route.summary or route.name or "", roles))
    return sorted(rows, key=lambda row: (row.path, row.method))


def role_table_markdown(app: FastAPI) -> str:
    lines = ["| operation | what | roles (any one) |", "|---|---|---|"]
    for row in role_table(app):
        roles = ", ".join(f"`{role.value}`" for role in row.roles) or "none: open to anyone"
        lines.append(f"| `{row.method} {row.path}` | {row.summary} | {roles} |")
    return "\n".join(lines) + "\n"


def _roles_of(dependant: Dependant) -> tuple[Role, ...]:
    return next((guard.roles for guard in _guards(dependant.dependencies)), ())


def _guards(dependencies: list[Any]) -> Iterator[_Guard]:
    for dependency in dependencies:
        if isinstance(dependency.call, _Guard):
            yield dependency.call
        yield from _guards(dependency.dependencies)


def _describe_roles(app: FastAPI) -> None:
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        roles = {(row.path, row.method.lower()): row.roles for row in role_table(app)}
        for path, operations in document.get("paths", {}).items():
            for method, operation in operations.items():
                needed = roles.get((path, method), ())
                if not needed:
                    operation.pop("security", None)
                    continue
                names = [role.value for role in needed]
                operation["security"] = [{SCHEME: names}]
                operation["x-roles"] = names
                responses = operation.setdefault("responses", {})
                responses.update({str(k): v for k, v in problem_responses(401, 403).items()})
                if "503" not in responses:
                    responses.update({str(k): v for k, v in problem_responses(503).items()})
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
