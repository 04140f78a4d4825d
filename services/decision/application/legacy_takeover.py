"""A cutover's half in the decision service: open the cases taken over from the legacy case system (with
their ids and clocks), give them back on a rollback, and say which of them the backbone has decided
(a rollback's point of no return). Each is idempotent on the case: a case opened before is not opened
again, a case returned before is not returned again; a re-run after a crash does only what is left."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from backbone.events import Cause
from services.decision.application.decision import Decision
from services.decision.domain.case import Case
from services.decision.domain.legacy_takeover import LegacyCaseState


def _case_or_none(decision: Decision, case_id: UUID) -> Case | None:
    try:
        case: Case = decision.repository.get(case_id)
    except AggregateNotFoundError:
        return None
    return case


def is_taken_over(decision: Decision, case_id: UUID) -> bool:
    return _case_or_none(decision, case_id) is not None


def take_over(decision: Decision, cases: Sequence[tuple[UUID, LegacyCaseState]]) -> int:
    """Open the cases not opened yet, in one transaction; returns how many were opened now."""
    cause = Cause(decision.clock.now(), f"cutover:{cases[0][1].cutover_id}" if cases else "cutover")
    opened = [
        Case.take_over_from_legacy(case_id=case_id, state=state, cause=cause)
        for case_id, state in cases
        if _case_or_none(decision, case_id) is None
    ]
    if opened:
        decision.save(*opened)
    return len(opened)


def give_back(decision: Decision, cases: Sequence[tuple[UUID, str]], cutover_id: UUID, on: date) -> int:
    """Record CaseReturnedToLegacy on the cases not returned yet, in one transaction."""
    cause = Cause(decision.clock.now(), f"cutover-rollback:{cutover_id}")
    returned = []
    for case_id, zaaknummer in cases:
        case = _case_or_none(decision, case_id)
        if case is None or case.returned_to_legacy:
            continue
        case.return_to_legacy(zaaknummer=zaaknummer, cutover_id=cutover_id, on=on, cause=cause)
        returned.append(case)
    if returned:
        decision.save(*returned)
    return len(returned)


def first_decided(decision: Decision, case_ids: Iterable[UUID]) -> tuple[UUID, date] | None:
    """The first of the cases the backbone has decided (by decision day), if any."""
    decided = []
    for case_id in case_ids:
        case = _case_or_none(decision, case_id)
        if case is not None and case.decided_on is not None:
            decided.append((case.decided_on, case_id))
    if not decided:
        return None
    on, case_id = min(decided)
    return case_id, on
