"""What the decision service needs of a legacy case to take it over at a cutover: the state the legacy
case system left it in (as the legacy bridge translated it), and the statutory clock that state makes.
No I/O: the composition root reads the state from the bridge's case and hands it over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from ind.procedures import Procedure
from ind.statutory.clock import StatutoryClock
from ind.statutory.legacy_state import days_used, legacy_statutory_clock


@dataclass(frozen=True)
class LegacyCaseState:
    zaaknummer: str
    cutover_id: UUID
    cutover_on: date
    procedure: Procedure
    received_on: date
    policy_version: str
    stage: str
    suspended_days: int
    suspended_since: date | None
    extended: bool
    team_code: str | None
    applicant_ref: str

    def clock(self) -> StatutoryClock:
        return legacy_statutory_clock(
            self.procedure,
            self.received_on,
            self.policy_version,
            self.suspended_days,
            self.extended,
            self.suspended_since,
        )

    def event_fields(self) -> dict[str, Any]:
        """The facts of CaseTakenOverFromLegacy. Its deadline is read as the tower reads a legacy
        case's: an open suspension counted up to its start (the tower adds the days since)."""
        clock = self.clock()
        read_on = clock.suspensions[-1].start if clock.is_suspended else self.cutover_on
        return {
            "zaaknummer": self.zaaknummer,
            "cutover_id": self.cutover_id,
            "procedure": self.procedure,
            "received_on": self.received_on,
            "policy_version": self.policy_version,
            "legal_basis": clock.legal_basis,
            "statutory_deadline": clock.deadline(today=read_on),
            "stage": self.stage,
            "suspended_days": self.suspended_days,
            "suspended_since": self.suspended_since,
            "extended": self.extended,
            "days_used": days_used(clock, self.cutover_on),
            "team_code": self.team_code,
            "applicant_ref": self.applicant_ref,
        }
