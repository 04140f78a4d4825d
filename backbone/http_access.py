"""Who is looking, for the access log: the verified caller of an HTTP operation as an ``Accessor``, and
the dependency of an operation whose look is recorded (``looking``): the caller, under a role that may,
with the purpose it states, as a ``Look``.

No ``from __future__ import annotations`` here: FastAPI reads the parameter types of the dependency
``looking`` makes at definition time, and the purpose's type is made there too.
"""

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from fastapi import Depends, Query

from backbone.access_log import Accessor, Look
from backbone.http import CorrelationId
from backbone.http_auth import requires
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


def looking(roles: Sequence[Role], purposes: Mapping[str, str], catalogue_version: str) -> Any:
    """``Depends`` on a caller holding one of ``roles`` who states one of ``purposes`` (of that
    catalogue's version); its value is the ``Look`` the operation records before it shows anything."""
    purpose_type = purpose_parameter(purposes)

    def look(
        purpose: purpose_type,  # type: ignore[valid-type]
        correlation: CorrelationId,
        caller: Annotated[Principal, requires(*roles)],
    ) -> Look:
        return Look(accessor_of(caller, roles), purpose, catalogue_version, correlation)

    return Depends(look)
