"""The one shape of every HTTP error: problem details (RFC 9457), served as ``application/problem+json``.

``type`` is a stable URN ending in the machine-readable ``code`` (also a member of its own, for clients
that branch on it); ``title`` says what kind of problem it is, ``detail`` what happened this time. A 422
lists each field and broken rule under ``errors``. Nothing is recorded by a request answered this way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from backbone.errors import FieldProblem

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:ind-case-backbone:problem:"

# code -> title; the code is the end of ``type`` and never changes
TITLES = {
    "bad_request": "The request cannot be read",
    "invalid_command": "The request breaks a rule of its fields; nothing was recorded",
    "rule_violation": "The case's state forbids this; nothing was recorded",
    "routed_to_legacy": "The legacy case system handles this procedure; nothing was recorded",
    "unauthenticated": "No bearer token was sent",
    "invalid_token": "The bearer token is refused",
    "missing_role": "The caller holds none of the roles this needs",
    "identity_provider_unavailable": "The identity provider cannot be reached; retry later",
    "not_found": "Not found",
    "gone": "Gone for good",
    "method_not_allowed": "Method not allowed",
    "store_behind_topic": "A store is behind its topic; nothing was recorded, retry after recovery",
    "internal_error": "The request failed; see the logs",
}
CODE_OF_STATUS = {
    400: "bad_request",
    401: "invalid_token",
    403: "missing_role",
    404: "not_found",
    405: "method_not_allowed",
    409: "rule_violation",
    410: "gone",
    422: "invalid_command",
    500: "internal_error",
    503: "store_behind_topic",
}


class FieldError(BaseModel):
    field: str = Field(description="The field, dotted for a nested one; `(body)` for the whole body.")
    rule: str = Field(description="The rule it broke, a stable code such as `missing` or `not_in_future`.")
    message: str


class Problem(BaseModel):
    """An error, as problem details (RFC 9457)."""

    type: str = Field(description=f"`{TYPE_PREFIX}` and the code.", examples=[f"{TYPE_PREFIX}not_found"])
    code: str = Field(description="Stable and machine-readable: " + ", ".join(f"`{c}`" for c in TITLES))
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = Field(
        default=None, description="422 only: each field and the rule it broke."
    )


def problem_response(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    errors: Sequence[FieldProblem] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    code = code or CODE_OF_STATUS.get(status, "bad_request" if status < 500 else "internal_error")
    content: dict[str, Any] = {
        "type": TYPE_PREFIX + code,
        "code": code,
        "title": TITLES.get(code, code.replace("_", " ")),
        "status": status,
        "detail": detail,
    }
    if errors:
        content["errors"] = [{"field": e.field, "rule": e.rule, "message": e.message} for e in errors]
    return JSONResponse(content, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {}))


_DESCRIPTIONS = {
    400: "The request cannot be read",
    401: "No bearer token, or one that is refused (expired, wrong issuer or audience, bad signature)",
    403: "The caller's token holds none of the roles this operation needs",
    404: "No such resource",
    409: "The state forbids the command: the rule broken; nothing recorded",
    410: "Gone for good",
    422: "Each field and the rule it broke; nothing recorded",
    503: "Nothing recorded; retry later: a store is behind its topic (after `backbone recover`), or the "
    "identity provider cannot be reached",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of an operation that may answer with these problems."""
    return {
        status: {
            "description": _DESCRIPTIONS[status],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
