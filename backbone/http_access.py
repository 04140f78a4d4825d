"""Who is looking, for the access log: the verified caller of an HTTP operation as an ``Accessor``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from fastapi import Query

from backbone.access_log import Accessor
from backbone.identity.principal import Principal, Role


def accessor_of(caller: Principal, allowed: Sequence[Role]) -> Accessor:
    """``caller`` under the first of ``allowed`` it holds: the role that let it in."""
    role = next(role for role in allowed if caller.holds(role))
    return Accessor(
        subject_id=caller.subject,
        username=caller.username,
        role=role.value,
        channel="api",
        client_id=caller.client_id,
    )


def purpose_parameter(purposes: Mapping[str, str]) -> Any:
    """The required ``purpose`` query parameter of an operation whose look is recorded: one of the
    codes of ``purposes`` (code -> meaning), each explained in the OpenAPI document."""
    explained = "; ".join(f"`{code}`: {meaning}" for code, meaning in purposes.items())
    return Annotated[
        Literal[tuple(purposes)],
        Query(description=f"Why you look (required; recorded in the access log): {explained}"),
    ]
