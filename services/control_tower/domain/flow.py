"""Throughput and lead times from case facts. Pure; no I/O.

Inflow is what intake accepted, outflow what decision decided, per ISO week and procedure; lead time
is received -> decided in days, as nearest-rank percentiles per procedure and asylum track.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol


class FlowFacts(Protocol):
    @property
    def procedure(self) -> str | None: ...
    @property
    def track(self) -> str | None: ...
    @property
    def received_on(self) -> date | None: ...
    @property
    def accepted_on(self) -> date | None: ...
    @property
    def decided_on(self) -> date | None: ...


@dataclass(frozen=True)
class WeekFlow:
    week: str  # ISO week, e.g. 2026-W45
    procedure: str
    inflow: int
    outflow: int

    @property
    def net(self) -> int:
        return self.inflow - self.outflow


@dataclass(frozen=True)
class DayFlow:
    day: date
    procedure: str
    inflow: int
    outflow: int


@dataclass(frozen=True)
class LeadTime:
    procedure: str
    track: str | None
    decided: int
    p50: int
    p90: int
    p95: int


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_back(today: date, weeks: int) -> list[str]:
    return [iso_week(today - timedelta(weeks=back)) for back in range(weeks - 1, -1, -1)]


def weekly_flow(facts: Sequence[FlowFacts], today: date, weeks: int = 12) -> list[WeekFlow]:
    wanted = weeks_back(today, weeks)
    inflow: dict[tuple[str, str], int] = defaultdict(int)
    outflow: dict[tuple[str, str], int] = defaultdict(int)
    for fact in facts:
        procedure = fact.procedure or "unknown"
        if fact.accepted_on is not None:
            inflow[(iso_week(fact.accepted_on), procedure)] += 1
        if fact.decided_on is not None:
            outflow[(iso_week(fact.decided_on), procedure)] += 1
    procedures = sorted({p for _, p in inflow} | {p for _, p in outflow})
    return [
        WeekFlow(week, procedure, inflow.get((week, procedure), 0), outflow.get((week, procedure), 0))
        for week in wanted
        for procedure in procedures
    ]


def daily_flow(facts: Sequence[FlowFacts], today: date, days: int) -> list[DayFlow]:
    """Inflow and outflow per day over the last ``days`` days up to ``today``, per procedure."""
    wanted = [today - timedelta(days=back) for back in range(days - 1, -1, -1)]
    inflow: dict[tuple[date, str], int] = defaultdict(int)
    outflow: dict[tuple[date, str], int] = defaultdict(int)
    for fact in facts:
        procedure = fact.procedure or "unknown"
        if fact.accepted_on is not None:
            inflow[(fact.accepted_on, procedure)] += 1
        if fact.decided_on is not None:
            outflow[(fact.decided_on, procedure)] += 1
    procedures = sorted({p for _, p in inflow} | {p for _, p in outflow})
    return [
        DayFlow(day, procedure, inflow.get((day, procedure), 0), outflow.get((day, procedure), 0))
        for day in wanted
        for procedure in procedures
    ]


def rolling_rates(flows: list[WeekFlow], weeks: int = 4) -> dict[str, tuple[float, float]]:
    """Per procedure: mean weekly inflow and outflow over the last ``weeks`` weeks of ``flows``."""
    last = sorted({f.week for f in flows})[-weeks:]
    rates: dict[str, tuple[float, float]] = {}
    for procedure in sorted({f.procedure for f in flows}):
        recent = [f for f in flows if f.procedure == procedure and f.week in last]
        rates[procedure] = (
            sum(f.inflow for f in recent) / len(last),
            sum(f.outflow for f in recent) / len(last),
        )
    return rates


def percentile(sorted_days: list[int], share: float) -> int:
    """Nearest-rank percentile of an ascending list."""
    return sorted_days[max(0, math.ceil(share * len(sorted_days)) - 1)]


def lead_times(facts: Sequence[FlowFacts]) -> list[LeadTime]:
    groups: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for fact in facts:
        if fact.decided_on is not None and fact.received_on is not None:
            groups[(fact.procedure or "unknown", fact.track)].append(
                (fact.decided_on - fact.received_on).days
            )
    result = []
    for (procedure, track), days in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] or "")):
        days.sort()
        result.append(
            LeadTime(
                procedure,
                track,
                len(days),
                percentile(days, 0.5),
                percentile(days, 0.9),
                percentile(days, 0.95),
            )
        )
    return result
