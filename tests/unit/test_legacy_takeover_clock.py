"""A case taken over from the legacy system keeps its statutory clock: the decision service's clock, the
control tower's reading of the legacy case and its reading of the taken-over case give the same
deadline and the same days remaining on every day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from backbone.events import Cause
from ind.procedures import Procedure
from services.control_tower.domain.deadline_risk import CaseClock
from services.control_tower.domain.legacy_clock import legacy_clock
from services.decision.domain.case import Case, CaseRuleViolation
from services.decision.domain.legacy_takeover import LegacyCaseState
from services.decision.domain.vocabulary import Outcome

CUTOVER_ON = date(2026, 6, 1)
CAUSE = Cause(datetime(2026, 6, 1, 8, tzinfo=UTC), "cutover:test")


def a_state(**overrides: object) -> LegacyCaseState:
    fields: dict[str, object] = {
        "zaaknummer": "Z2026-0000001",
        "cutover_id": uuid4(),
        "cutover_on": CUTOVER_ON,
        "procedure": Procedure.FAMILY,
        "received_on": date(2026, 3, 2),
        "policy_version": "2025.1",
        "stage": "in_decision",
        "suspended_days": 0,
        "suspended_since": None,
        "extended": False,
        "team_code": "Zwolle-A",
        "applicant_ref": "P-0123456789abcdef",
    }
    fields.update(overrides)
    return LegacyCaseState(**fields)  # type: ignore[arg-type]


STATES = {
    "running": a_state(),
    "ended suspensions": a_state(suspended_days=12),
    "extended": a_state(extended=True, suspended_days=5),
    "suspended now": a_state(
        stage="waiting_on_applicant", suspended_days=3, suspended_since=date(2026, 5, 20)
    ),
    "received on a friday, suspended on a weekend": a_state(
        received_on=date(2026, 2, 27), suspended_since=date(2026, 5, 23), stage="waiting_on_applicant"
    ),
}


def tower_reading_of_the_legacy_case(state: LegacyCaseState) -> CaseClock:
    clock = legacy_clock(
        state.procedure, state.received_on, state.policy_version, state.suspended_days, state.extended
    )
    return CaseClock(
        "legacy", state.procedure.value, clock.statutory_deadline, state.suspended_since, None, False
    )


def tower_reading_of_the_taken_over_case(state: LegacyCaseState) -> CaseClock:
    fields = state.event_fields()
    return CaseClock(
        "backbone", state.procedure.value, fields["statutory_deadline"], state.suspended_since, None, False
    )


@pytest.mark.parametrize("name", sorted(STATES))
def test_the_taken_over_case_has_the_legacy_deadline_and_days_remaining_on_every_day(name: str) -> None:
    state = STATES[name]
    legacy, taken_over = (
        tower_reading_of_the_legacy_case(state),
        tower_reading_of_the_taken_over_case(state),
    )
    case = Case.take_over_from_legacy(case_id=uuid4(), state=state, cause=CAUSE)
    for offset in range(0, 200, 3):
        day = CUTOVER_ON + timedelta(days=offset)
        assert taken_over.deadline_on(day) == legacy.deadline_on(day), (name, day)
        assert taken_over.days_remaining(day) == legacy.days_remaining(day), (name, day)
        if state.suspended_since is None:  # the decision service's own clock says the same
            assert case.clock.deadline(day) == legacy.deadline_on(day), (name, day)
            assert case.clock.reading(day).days_remaining == max(0, legacy.days_remaining(day) or 0)


def test_the_decision_clock_counts_an_open_legacy_suspension_up_to_the_day_asked() -> None:
    state = STATES["suspended now"]
    case = Case.take_over_from_legacy(case_id=uuid4(), state=state, cause=CAUSE)
    assert case.clock.is_suspended
    # 2 March + 90 days = 31 May, + 3 ended + 12 open days by 1 June = Monday 15 June
    assert case.clock.deadline(CUTOVER_ON) == date(2026, 6, 15)
    assert case.clock.deadline(CUTOVER_ON) == tower_reading_of_the_legacy_case(state).deadline_on(
        CUTOVER_ON
    )


def test_days_used_are_the_days_since_receipt_less_the_suspended_days() -> None:
    assert STATES["running"].event_fields()["days_used"] == (CUTOVER_ON - date(2026, 3, 2)).days
    assert (
        STATES["suspended now"].event_fields()["days_used"] == (CUTOVER_ON - date(2026, 3, 2)).days - 3 - 12
    )


def test_a_taken_over_case_is_an_ordinary_backbone_case() -> None:
    case = Case.take_over_from_legacy(case_id=uuid4(), state=STATES["suspended now"], cause=CAUSE)
    with pytest.raises(CaseRuleViolation, match="suspended"):
        case.decide(decided_on=CUTOVER_ON, outcome=Outcome.GRANTED, grounds=[], cause=CAUSE)
    case.receive_information(received_on=date(2026, 6, 2), cause=CAUSE)
    case.decide(decided_on=date(2026, 6, 3), outcome=Outcome.GRANTED, grounds=[], cause=CAUSE)
    assert (case.outcome, case.team, case.version) == (Outcome.GRANTED, "Zwolle-A", 3)


def test_a_case_returned_to_legacy_takes_no_more_commands_and_a_decided_one_is_not_returned() -> None:
    state = STATES["running"]
    case = Case.take_over_from_legacy(case_id=uuid4(), state=state, cause=CAUSE)
    case.return_to_legacy(
        zaaknummer=state.zaaknummer, cutover_id=state.cutover_id, on=CUTOVER_ON, cause=CAUSE
    )
    with pytest.raises(CaseRuleViolation, match="returned to the legacy case system"):
        case.assign(team="asylum-3", officer_ref="O-00000000000000b7", cause=CAUSE)
    decided = Case.take_over_from_legacy(case_id=uuid4(), state=state, cause=CAUSE)
    decided.decide(decided_on=CUTOVER_ON, outcome=Outcome.GRANTED, grounds=[], cause=CAUSE)
    with pytest.raises(CaseRuleViolation, match="decided"):
        decided.return_to_legacy(
            zaaknummer=state.zaaknummer, cutover_id=state.cutover_id, on=CUTOVER_ON, cause=CAUSE
        )
