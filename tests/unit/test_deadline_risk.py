from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ind.statutory.penalties import CAP_EUROS, penalty_owed
from services.control_tower.domain.deadline_risk import CaseClock, bucket, summarise

NOTICE = date(2026, 3, 2)  # two weeks pass on 16 March; the penalty runs from 17 March


def test_nothing_is_owed_in_the_two_weeks_after_the_notice() -> None:
    assert penalty_owed(NOTICE, date(2026, 3, 16)) == 0
    assert penalty_owed(NOTICE, date(2026, 3, 17)) == 23


def test_the_schedule_is_23_then_35_then_45_a_day_up_to_1442() -> None:
    assert penalty_owed(NOTICE, date(2026, 3, 30)) == 14 * 23
    assert penalty_owed(NOTICE, date(2026, 3, 31)) == 14 * 23 + 35
    assert penalty_owed(NOTICE, date(2026, 4, 27)) == 14 * 23 + 14 * 35 + 14 * 45 == CAP_EUROS
    assert penalty_owed(NOTICE, date(2027, 1, 1)) == CAP_EUROS


def test_the_penalty_stops_on_the_decision() -> None:
    assert penalty_owed(NOTICE, date(2026, 6, 1), decided_on=date(2026, 3, 18)) == 46


@given(st.integers(0, 400), st.integers(0, 400))
def test_what_is_owed_never_falls_as_days_pass_and_never_exceeds_the_cap(a: int, b: int) -> None:
    early, late = sorted((a, b))
    owed_early = penalty_owed(NOTICE, NOTICE + timedelta(days=early))
    owed_late = penalty_owed(NOTICE, NOTICE + timedelta(days=late))
    assert 0 <= owed_early <= owed_late <= CAP_EUROS


def test_buckets() -> None:
    assert [bucket(d) for d in (-1, 0, 6, 7, 29, 30, None)] == [
        "overdue",
        "under_7_days",
        "under_7_days",
        "under_30_days",
        "under_30_days",
        "later",
        "no_deadline_yet",
    ]


def clock(deadline: date | None, **kwargs: object) -> CaseClock:
    values: dict[str, object] = {
        "suspended_since": None,
        "notice_of_default_on": None,
        "penalty_applies": True,
    }
    values.update(kwargs)
    return CaseClock("c", "family", deadline, **values)  # type: ignore[arg-type]


def test_an_open_suspension_keeps_moving_the_deadline() -> None:
    suspended = clock(date(2026, 3, 10), suspended_since=date(2026, 3, 1))
    assert suspended.days_remaining(date(2026, 3, 20)) == 9  # 10 March + 19 suspended days = 29 March


def test_asylum_owes_no_penalty_however_late() -> None:
    asylum = clock(date(2026, 1, 1), notice_of_default_on=NOTICE, penalty_applies=False)
    assert asylum.exposure(date(2026, 12, 1)) == 0


def test_the_summary_counts_buckets_notices_and_exposure_today_and_in_four_weeks() -> None:
    today = date(2026, 3, 20)
    summary = summarise(
        [
            clock(date(2026, 2, 1), notice_of_default_on=NOTICE),  # overdue, accruing since 17 March
            clock(date(2026, 3, 25)),
            clock(date(2026, 4, 10)),
            clock(date(2026, 9, 1)),
            clock(None),
        ],
        today,
    )
    assert summary.buckets == {
        "overdue": 1,
        "under_7_days": 1,
        "under_30_days": 1,
        "later": 1,
        "no_deadline_yet": 1,
    }
    assert summary.notices_of_default == 1
    assert summary.exposure_today == 4 * 23
    assert summary.exposure_in_4_weeks == penalty_owed(NOTICE, today + timedelta(days=28))
    assert summary.longest_overdue == [("c", "family", 47)]
