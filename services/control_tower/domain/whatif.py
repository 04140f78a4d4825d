"""What-if planning: the backlog, missed deadlines and penalties of each procedure, week by week, under
a scenario of changed decision capacity or inflow, next to the baseline where nothing changes.

The projection starts from the views as they are: the open cases with their statutory deadlines and
notices of default, the inflow forecast (seasonality learned from the history) and the decision rate of
the last four weeks. It touches no store. Cases are followed in cohorts of equal deadline; decisions
take the oldest deadline first. It is a fluid model (expected counts, not draws), so the baseline and a
scenario differ only by what the scenario changes.

Assumptions, stated: a new case's deadline is the procedure's statutory period after the week it
arrives (no suspensions or extensions ahead); an open suspension stays as it is today; each week an
overdue case for which a penalty can accrue sends a notice of default with probability ``notice_rate``
(the simulator's figure); accrued penalties are paid when the case is decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from ind.planning import CapacityChange, InflowChange
from ind.statutory.penalties import penalty_owed

NOTICE_RATE = 0.15  # a week, per overdue case without a notice (simulation/parameters.py)


@dataclass(frozen=True)
class Scenario:
    capacity: tuple[CapacityChange, ...] = ()
    inflow: tuple[InflowChange, ...] = ()

    def capacity_factor(self, procedure: str, week: int) -> float:
        factor = 1.0
        for change in self.capacity:
            if change.procedure in (procedure, "all") and week >= change.from_week:
                factor *= change.factor
        return factor

    def inflow_factor(self, procedure: str, week: int) -> float:
        factor = 1.0
        for change in self.inflow:
            if (
                change.procedure in (procedure, "all")
                and change.from_week <= week < change.from_week + change.weeks
            ):
                factor *= change.factor
        return factor


@dataclass(frozen=True)
class OpenCase:
    deadline: date | None
    notice_on: date | None
    penalty_applies: bool


@dataclass(frozen=True)
class ProcedureOutlook:
    """What the views say of one procedure now."""

    procedure: str
    open_cases: Sequence[OpenCase]
    inflow: Sequence[float]  # forecast arrivals, one per week ahead
    decisions_per_week: float
    period_days: int  # the statutory period of a new case
    penalty_applies: bool  # for a new case


@dataclass
class _Cohort:
    deadline: date | None
    count: float
    penalty: bool
    notice_on: date | None = None


@dataclass(frozen=True)
class WeekOutlook:
    week_start: date
    arrivals: float
    decisions: float
    open_cases: float
    overdue: float  # open and past the deadline at the week's end
    missed_deadlines: float  # deadlines that passed this week with the case still open
    exposure: float  # euros accrued on open cases by the week's end
    penalties_paid: float  # euros paid this week, with the decisions of noticed cases


@dataclass
class Projection:
    weeks: list[WeekOutlook] = field(default_factory=list)

    def summary(self, target: float | None = None) -> dict[str, float | str | None]:
        below = None
        if target is not None:
            below = next((str(w.week_start) for w in self.weeks if w.open_cases < target), None)
        return {
            "open_cases_at_end": round(self.weeks[-1].open_cases, 1) if self.weeks else 0.0,
            "missed_deadlines": round(sum(w.missed_deadlines for w in self.weeks), 1),
            "exposure_at_end": round(self.weeks[-1].exposure) if self.weeks else 0,
            "exposure_peak": round(max((w.exposure for w in self.weeks), default=0.0)),
            "penalties_paid": round(sum(w.penalties_paid for w in self.weeks)),
            "below_target_from": below,
        }


def project(
    outlook: ProcedureOutlook,
    start: date,
    scenario: Scenario,
    horizon: int,
    *,
    notice_rate: float = NOTICE_RATE,
) -> Projection:
    """``horizon`` weeks of ``outlook``'s procedure from the week starting ``start``."""
    cohorts = _cohorts(outlook.open_cases)
    projection = Projection()
    for week in range(horizon):
        week_start = start + timedelta(weeks=week)
        week_end = week_start + timedelta(days=7)
        inflow = outlook.inflow[week] if week < len(outlook.inflow) else (outlook.inflow or [0.0])[-1]
        arrivals = inflow * scenario.inflow_factor(outlook.procedure, week)
        if arrivals > 0:
            deadline = week_start + timedelta(days=outlook.period_days)
            cohorts.append(_Cohort(deadline, arrivals, outlook.penalty_applies))
        capacity = outlook.decisions_per_week * scenario.capacity_factor(outlook.procedure, week)
        decided, paid = _decide(cohorts, capacity, week_end)  # capacity not used is not banked
        missed = sum(
            c.count for c in cohorts if c.deadline is not None and week_start <= c.deadline < week_end
        )
        _send_notices(cohorts, week_end, notice_rate)
        projection.weeks.append(
            WeekOutlook(
                week_start=week_start,
                arrivals=arrivals,
                decisions=decided,
                open_cases=sum(c.count for c in cohorts),
                overdue=sum(c.count for c in cohorts if c.deadline is not None and c.deadline < week_end),
                missed_deadlines=missed,
                exposure=sum(
                    c.count * penalty_owed(c.notice_on, week_end)
                    for c in cohorts
                    if c.notice_on and c.penalty
                ),
                penalties_paid=paid,
            )
        )
    return projection


def _cohorts(open_cases: Sequence[OpenCase]) -> list[_Cohort]:
    grouped: dict[tuple[date | None, date | None, bool], float] = {}
    for case in open_cases:
        key = (case.deadline, case.notice_on, case.penalty_applies)
        grouped[key] = grouped.get(key, 0.0) + 1
    return [_Cohort(deadline, n, penalty, notice) for (deadline, notice, penalty), n in grouped.items()]


def _decide(cohorts: list[_Cohort], capacity: float, on: date) -> tuple[float, float]:
    """Decide up to ``capacity`` cases, oldest deadline first (those without one last); returns the
    decisions and the penalties paid with them."""
    cohorts.sort(key=lambda c: (c.deadline is None, c.deadline or date.max, c.notice_on is None))
    decided = paid = 0.0
    for cohort in cohorts:
        if capacity <= decided:
            break
        taken = min(cohort.count, capacity - decided)
        if cohort.notice_on is not None and cohort.penalty:
            paid += taken * penalty_owed(cohort.notice_on, on)
        cohort.count -= taken
        decided += taken
    cohorts[:] = [c for c in cohorts if c.count > 1e-9]
    return decided, paid


def _send_notices(cohorts: list[_Cohort], on: date, rate: float) -> None:
    for cohort in list(cohorts):
        overdue = cohort.deadline is not None and cohort.deadline < on
        if overdue and cohort.penalty and cohort.notice_on is None and rate > 0:
            noticed = cohort.count * rate
            cohort.count -= noticed
            cohorts.append(_Cohort(cohort.deadline, noticed, True, on))
