"""The statutory clock of a legacy case, from what the legacy bridge observed of it, by the same rules as
the backbone's own cases (``ind.statutory``): the procedure's period under the policy version in force
on the day it was received, plus the days of the suspensions that have ended, plus the extension when
the case was extended. Pure; no I/O.

A suspension still open is not in the deadline: like the backbone's information requests, it pushes
the deadline along day by day up to the day a view is read for (``CaseClock.deadline_on``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ind.procedures import Procedure
from ind.statutory.catalogue import IND_CATALOGUE, ProcedureCatalogue
from ind.statutory.clock import StatutoryClock

# The reason recorded on the extension: the legacy status VERL (verlengd) says that, not by how much.
LEGACY_EXTENSION = "legacy_status_verl"


@dataclass(frozen=True)
class LegacyClock:
    statutory_deadline: date  # without the open suspension, if any
    penalty_applies: bool  # whether the procedure earns a penalty (dwangsom) for a late decision


def legacy_clock(
    procedure: Procedure,
    received_on: date,
    policy_version: str,
    suspended_days: int,
    extended: bool,
    catalogue: ProcedureCatalogue = IND_CATALOGUE,
) -> LegacyClock:
    """The deadline of a legacy case. Legacy VERL does not say by how much the term was extended, so an
    extended case gets the whole extension its procedure's rule allows (``max_total``): for the regular
    procedures that is their one extension of 90 days."""
    clock = StatutoryClock.handed_over(
        procedure, received_on, policy_version, suspended_days, catalogue=catalogue
    )
    rule = clock.rules.extension
    if extended and rule is not None:  # the bridge refuses VERL of a procedure without a rule
        clock = clock.extend(rule.max_total, LEGACY_EXTENSION)
    return LegacyClock(clock.deadline(received_on), clock.rules.late_decision_penalty)
