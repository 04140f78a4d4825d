"""Statutory periods: a number of months, weeks or days added to a date."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class Period:
    months: int = 0
    days: int = 0

    @classmethod
    def of_weeks(cls, weeks: int) -> Period:
        return cls(days=7 * weeks)

    def after(self, start: date) -> date:
        """The day this period after ``start`` (months first; a day past the month's end clips)."""
        return add_months(start, self.months) + timedelta(days=self.days)

    def __add__(self, other: Period) -> Period:
        return Period(self.months + other.months, self.days + other.days)

    def __str__(self) -> str:
        parts = [f"{self.months} months"] * bool(self.months) + [f"{self.days} days"] * bool(self.days)
        return " + ".join(parts) or "0 days"


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
