from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ind.procedures import Procedure
from ind.statutory.catalogue import IND_CATALOGUE
from ind.statutory.clock import ClockRuleViolation, StatutoryClock
from ind.statutory.periods import Period
from ind.statutory.working_days import WorkingDayCalendar

STARTS = st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 31))
PROCEDURES = st.sampled_from(list(Procedure))
CALENDAR = WorkingDayCalendar()


def test_a_study_application_gets_60_days() -> None:
    clock = StatutoryClock.start(Procedure.STUDY, date(2026, 3, 2))
    assert clock.deadline(today=date(2026, 3, 2)) == date(2026, 5, 1)
    assert (clock.policy_version, clock.legal_basis) == ("2025.1", "Vw 2000 art. 25(1)")


def test_a_deadline_on_kings_day_moves_to_the_next_working_day() -> None:
    # 90 days after 27 January 2026 is Monday 27 April 2026, King's Day.
    clock = StatutoryClock.start(Procedure.FAMILY, date(2026, 1, 27))
    assert clock.deadline(today=date(2026, 1, 27)) == date(2026, 4, 28)


def test_asylum_applications_of_2023_got_15_months_and_those_of_2026_get_6() -> None:
    old = StatutoryClock.start(Procedure.ASYLUM, date(2023, 3, 1))
    new = StatutoryClock.start(Procedure.ASYLUM, date(2026, 3, 2))
    assert old.policy_version == "2022.2" and old.period == Period(months=15)
    assert new.policy_version == "2025.1" and new.period == Period(months=6)
    assert old.deadline(date(2023, 3, 1)) == date(2024, 6, 3)  # 1 June 2024 is a Saturday


def test_a_suspended_clock_moves_the_deadline_by_the_suspended_days() -> None:
    clock = StatutoryClock.start(Procedure.NATURALISATION, date(2026, 1, 5))
    before = clock.deadline(today=date(2026, 2, 1))
    clock = clock.suspend(date(2026, 2, 2), "information requested").resume(date(2026, 2, 12))
    assert clock.suspended_days(today=date(2026, 6, 1)) == 10
    assert clock.deadline(today=date(2026, 6, 1)) == CALENDAR.on_or_after(
        Period(months=12).after(date(2026, 1, 5)) + timedelta(days=10)
    )
    assert clock.deadline(today=date(2026, 6, 1)) > before


def test_an_open_suspension_keeps_moving_the_deadline_and_reads_as_suspended() -> None:
    clock = StatutoryClock.start(Procedure.FAMILY, date(2026, 1, 5)).suspend(date(2026, 2, 2), "consent")
    first, later = clock.reading(date(2026, 2, 10)), clock.reading(date(2026, 2, 20))
    assert first.suspended and later.suspended
    assert (later.deadline - first.deadline).days >= 10 - 3  # minus at most a weekend's rolling
    assert later.days_remaining >= first.days_remaining - 3


def test_overlapping_suspensions_are_refused() -> None:
    clock = StatutoryClock.start(Procedure.FAMILY, date(2026, 1, 5)).suspend(date(2026, 2, 2), "x")
    with pytest.raises(ClockRuleViolation, match="already suspended"):
        clock.suspend(date(2026, 2, 5), "y")
    clock = clock.resume(date(2026, 2, 10))
    with pytest.raises(ClockRuleViolation, match="overlaps"):
        clock.suspend(date(2026, 2, 8), "z")


def test_resuming_a_running_clock_is_refused() -> None:
    with pytest.raises(ClockRuleViolation, match="not suspended"):
        StatutoryClock.start(Procedure.FAMILY, date(2026, 1, 5)).resume(date(2026, 2, 1))


def test_a_regular_period_may_be_extended_once_by_up_to_90_days() -> None:
    clock = StatutoryClock.start(Procedure.HIGHLY_SKILLED_MIGRANT, date(2026, 1, 5))
    with pytest.raises(ClockRuleViolation, match="cap of 90 days"):
        clock.extend(Period(days=91), "complex employer check")
    extended = clock.extend(Period(days=90), "complex employer check")
    assert extended.extensions[0].legal_basis == "Vw 2000 art. 25(2)"
    with pytest.raises(ClockRuleViolation, match="1 time"):
        extended.extend(Period(days=1), "again")


def test_an_asylum_period_reaches_21_months_at_most() -> None:
    clock = StatutoryClock.start(Procedure.ASYLUM, date(2026, 1, 5))
    clock = clock.extend(Period(months=9), "sudden large rise").extend(Period(months=3), "complex")
    clock = clock.extend(Period(months=3), "exceptional")
    assert clock.period == Period(months=21)
    with pytest.raises(ClockRuleViolation):
        clock.extend(Period(days=1), "more")


def test_naturalisation_cannot_be_extended() -> None:
    with pytest.raises(ClockRuleViolation, match="cannot be extended"):
        StatutoryClock.start(Procedure.NATURALISATION, date(2026, 1, 5)).extend(Period(days=1), "x")


def test_the_catalogue_keeps_the_dwangsom_off_for_asylum() -> None:
    assert not IND_CATALOGUE.rules(Procedure.ASYLUM, date(2026, 1, 1)).late_decision_penalty
    assert IND_CATALOGUE.rules(Procedure.FAMILY, date(2026, 1, 1)).late_decision_penalty


@given(PROCEDURES, STARTS)
def test_every_deadline_is_a_working_day_on_or_after_the_plain_period(
    procedure: Procedure, start: date
) -> None:
    clock = StatutoryClock.start(procedure, start)
    deadline = clock.deadline(start)
    assert CALENDAR.is_working_day(deadline)
    assert clock.period.after(start) <= deadline <= clock.period.after(start) + timedelta(days=5)


@given(PROCEDURES, STARTS, st.integers(0, 200), st.integers(1, 120))
def test_suspended_days_move_the_unrolled_deadline_exactly(
    procedure: Procedure, start: date, offset: int, length: int
) -> None:
    clock = StatutoryClock.start(procedure, start)
    begin = start + timedelta(days=offset)
    suspended = clock.suspend(begin, "information requested").resume(begin + timedelta(days=length))
    later = begin + timedelta(days=length + 400)
    assert suspended.suspended_days(later) == length
    plain = clock.period.after(start)
    assert suspended.deadline(later) == CALENDAR.on_or_after(plain + timedelta(days=length))


@given(PROCEDURES, STARTS, st.integers(0, 900))
def test_remaining_and_overdue_days_tell_one_story(procedure: Procedure, start: date, age: int) -> None:
    today = start + timedelta(days=age)
    reading = StatutoryClock.start(procedure, start).reading(today)
    assert reading.days_remaining == 0 or reading.days_overdue == 0
    assert (reading.deadline - today).days == reading.days_remaining - reading.days_overdue
    assert not reading.suspended


@given(STARTS, st.integers(1, 90), st.integers(1, 90))
def test_a_longer_extension_never_gives_an_earlier_deadline(start: date, a: int, b: int) -> None:
    clock = StatutoryClock.start(Procedure.FAMILY, start)
    short, long = sorted((a, b))
    assert clock.extend(Period(days=short), "x").deadline(start) <= clock.extend(
        Period(days=long), "x"
    ).deadline(start)


def test_the_asylum_general_procedure_lasts_6_days_or_9_for_aa_plus() -> None:
    steps = IND_CATALOGUE.rules(Procedure.ASYLUM, date(2026, 1, 1)).steps
    assert dict(steps.general_procedure_days) == {"AA": 6, "AA+": 9}
    assert steps.prolonged_procedure and steps.intended_decision_before_rejection
    assert IND_CATALOGUE.rules(Procedure.FAMILY, date(2026, 1, 1)).steps.general_procedure_days == ()
