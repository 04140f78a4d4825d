from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ind.statutory.working_days import WorkingDayCalendar, easter_sunday, public_holidays

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


def test_easter_falls_on_the_published_dates() -> None:
    assert [easter_sunday(y) for y in (2024, 2025, 2026, 2027)] == [
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2027, 3, 28),
    ]


def test_the_2026_holidays_of_the_algemene_termijnenwet() -> None:
    assert public_holidays(2026) == {
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 4, 27),  # King's Day
        date(2026, 5, 5),
        date(2026, 5, 14),  # Ascension Day
        date(2026, 5, 25),  # Whit Monday
        date(2026, 12, 25),
        date(2026, 12, 26),
    }


def test_kings_day_moves_to_the_26th_when_the_27th_is_a_sunday() -> None:
    assert date(2025, 4, 26) in public_holidays(2025)  # 27 April 2025 is a Sunday
    assert date(2025, 4, 27) not in public_holidays(2025)


def test_a_deadline_on_good_friday_runs_on_to_the_tuesday_after_easter() -> None:
    assert WorkingDayCalendar().on_or_after(date(2026, 4, 3)) == date(2026, 4, 7)


def test_a_bridge_day_from_a_royal_decree_is_data() -> None:
    calendar = WorkingDayCalendar(extra_days=[date(2026, 5, 15)])  # the Friday after Ascension
    assert calendar.on_or_after(date(2026, 5, 14)) == date(2026, 5, 18)


@given(DAYS)
def test_the_next_working_day_is_a_working_day_within_five_days(day: date) -> None:
    result = WorkingDayCalendar().on_or_after(day)
    assert WorkingDayCalendar().is_working_day(result)
    assert day <= result <= day + timedelta(days=5)


@given(DAYS)
def test_a_working_day_stays_put(day: date) -> None:
    calendar = WorkingDayCalendar()
    if calendar.is_working_day(day):
        assert calendar.on_or_after(day) == day
