"""The statutory clock of a case the legacy case system ran, from the state it left: received on a day,
under a policy version, with the days of its ended suspensions, perhaps extended (legacy VERL), perhaps
suspended now (legacy OPSC). The control tower reads a legacy case's deadline by the same rules
(``services/control_tower/domain/legacy_clock.py``), and the decision service opens a taken-over case
with this clock, so both say the same deadline on every day. Pure; no I/O.
"""

from __future__ import annotations

from datetime import date

from ind.procedures import Procedure
from ind.statutory.catalogue import IND_CATALOGUE, ProcedureCatalogue
from ind.statutory.clock import StatutoryClock

# The reasons recorded on the clock: the legacy statuses say that the term was extended or suspended,
# not by how much or about what.
LEGACY_EXTENSION = "legacy_status_verl"
LEGACY_SUSPENSION = "legacy_status_opsc"


def legacy_statutory_clock(
    procedure: Procedure,
    received_on: date,
    policy_version: str,
    suspended_days: int,
    extended: bool,
    suspended_since: date | None,
    catalogue: ProcedureCatalogue = IND_CATALOGUE,
) -> StatutoryClock:
    """Legacy VERL does not say by how much the term was extended, so an extended case gets the whole
    extension its procedure's rule allows (``max_total``); a suspension still open stays open, and
    pushes the deadline along day by day until the information arrives."""
    clock = StatutoryClock.handed_over(
        procedure, received_on, policy_version, suspended_days, catalogue=catalogue
    )
    rule = clock.rules.extension
    if extended and rule is not None:  # the bridge refuses VERL of a procedure without a rule
        clock = clock.extend(rule.max_total, LEGACY_EXTENSION)
    if suspended_since is not None:
        clock = clock.suspend(max(suspended_since, received_on), LEGACY_SUSPENSION)
    return clock


def days_used(clock: StatutoryClock, on: date) -> int:
    """The days of the statutory term the case has used by ``on``: its days since the clock started,
    less the days it was suspended."""
    return max(0, (on - clock.started_on).days - clock.suspended_days(on))
