"""The verified caller: who it is and which of the backbone's roles it holds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from backbone.identity.errors import MissingRole


class Role(StrEnum):
    """The realm roles the backbone knows; the names are the ones the issuer puts in the token."""

    OPERATIONS = "operations"
    PLANNER = "planner"
    INTAKE_OFFICER = "intake-officer"
    DECISION_OFFICER = "decision-officer"
    PRIVACY_OFFICER = "privacy-officer"
    AUDITOR = "auditor"


@dataclass(frozen=True)
class Principal:
    """A caller whose token verified. ``roles`` holds every realm role in the token, ours and the
    issuer's own (``offline_access`` and the like); ``holds`` asks about ours."""

    subject: str
    username: str
    roles: frozenset[str]
    client_id: str | None = None
    is_service_account: bool = False

    def holds(self, role: Role) -> bool:
        return role.value in self.roles

    def require_any(self, *roles: Role) -> None:
        """Raise ``MissingRole`` naming ``roles`` unless the caller holds at least one of them."""
        if not roles:
            raise ValueError("require_any needs at least one role; an action open to anyone names none")
        if not any(self.holds(role) for role in roles):
            raise MissingRole(role.value for role in roles)
