"""Where each open case stands against its statutory deadline. Pure; no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ind.statutory.penalties import penalty_owed

BUCKETS = ("overdue", "under_7_days", "under_30_days", "later", "no_deadline_yet")
PROJECTION_DAYS = 28


def bucket(days_remaining: int | None) -> str:
    if days_remaining is None:
        return "no_deadline_yet"
    if days_remaining < 0:
        return "overdue"
    if days_remaining < 7:
        return "under_7_days"
    if days_remaining < 30:
        return "under_30_days"
    return "later"


@dataclass(frozen=True)
class CaseClock:
    """What the tower knows of one open case's clock."""

    case_id: str
    procedure: str
    statutory_deadline: date | None
    suspended_since: date | None  # an open suspension keeps moving the deadline
    notice_of_default_on: date | None
    penalty_applies: bool

    def deadline_on(self, today: date) -> date | None:
        if self.statutory_deadline is None:
            return None
        if self.suspended_since is not None and today > self.suspended_since:
            return self.statutory_deadline + (today - self.suspended_since)
        return self.statutory_deadline

    def days_remaining(self, today: date) -> int | None:
        deadline = self.deadline_on(today)
        return None if deadline is None else (deadline - today).days

    def exposure(self, on: date) -> int:
        """Euros of penalty accrued by ``on`` if the case is still undecided then."""
        if not self.penalty_applies or self.notice_of_default_on is None:
            return 0
        return penalty_owed(self.notice_of_default_on, on)


@dataclass(frozen=True)
class RiskSummary:
    today: date
    buckets: dict[str, int]
    notices_of_default: int
    exposure_today: int
    exposure_in_4_weeks: int
    longest_overdue: list[tuple[str, str, int]]  # (case id, procedure, days overdue)


def summarise(clocks: list[CaseClock], today: date, *, longest: int = 10) -> RiskSummary:
    counts = dict.fromkeys(BUCKETS, 0)
    overdue: list[tuple[str, str, int]] = []
    for clock in clocks:
        remaining = clock.days_remaining(today)
        counts[bucket(remaining)] += 1
        if remaining is not None and remaining < 0:
            overdue.append((clock.case_id, clock.procedure, -remaining))
    later = today + timedelta(days=PROJECTION_DAYS)
    return RiskSummary(
        today=today,
        buckets=counts,
        notices_of_default=sum(1 for c in clocks if c.notice_of_default_on is not None),
        exposure_today=sum(c.exposure(today) for c in clocks),
        exposure_in_4_weeks=sum(c.exposure(later) for c in clocks),
        longest_overdue=sorted(overdue, key=lambda o: (-o[2], o[0]))[:longest],  # ties by case id
    )
