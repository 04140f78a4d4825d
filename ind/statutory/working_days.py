"""Dutch working days for the Algemene termijnenwet (Atw).

A statutory period that ends on a Saturday, Sunday or a public holiday of Atw art. 3 ends on the next
working day (art. 1). The holidays: New Year's Day, Good Friday, Easter Monday, King's Day (27 April,
or the 26th when the 27th is a Sunday), 5 May, Ascension Day, Whit Monday, Christmas Day and Boxing
Day. A royal decree adds bridge days from time to time; they are data (``extra_days``), not code.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous algorithm of Meeus, Jones and Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@cache
def public_holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:  # a Sunday: King's Day moves to the Saturday before
        kings_day = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),
            easter - timedelta(days=2),  # Good Friday
            easter + timedelta(days=1),  # Easter Monday
            kings_day,
            date(year, 5, 5),  # Liberation Day
            easter + timedelta(days=39),  # Ascension Day
            easter + timedelta(days=50),  # Whit Monday
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


class WorkingDayCalendar:
    def __init__(self, extra_days: Iterable[date] = ()) -> None:
        self.extra_days = frozenset(extra_days)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in public_holidays(day.year) and day not in self.extra_days

    def on_or_after(self, day: date) -> date:
        """``day`` itself if it is a working day, else the next working day (Atw art. 1)."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day
