"""What-if planning as a JSON-ready document: a scenario next to the baseline, per procedure and in all,
projected from the views as they are (``domain/whatif.py``), without touching any store.

A scenario is written as changes (``ind/planning.py``; ``all`` for every procedure): capacity
``asylum:+20%:10`` (20% more decisions from week 10), inflow ``asylum:x2:0:6`` (twice the inflow for six
weeks from now).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from ind.planning import CapacityChange, ChangeError, InflowChange
from ind.procedures import Procedure
from ind.statutory.catalogue import IND_CATALOGUE
from services.control_tower.application.flow_views import week_start, weekly_series
from services.control_tower.application.view_store import ViewStore
from services.control_tower.domain.forecast import forecast_inflow
from services.control_tower.domain.whatif import (
    OpenCase,
    ProcedureOutlook,
    Projection,
    Scenario,
    WeekOutlook,
    project,
)
from services.control_tower.projections.case_facts import case_clock

MAX_HORIZON = 156


ScenarioError = ChangeError  # a scenario that cannot be read: the parameter, the text and the rule
PROCEDURES = {p.value for p in Procedure} | {"all"}


def parse_scenario(capacity: list[str], inflow: list[str]) -> Scenario:
    return Scenario(
        capacity=tuple(CapacityChange.parse(t, procedures=PROCEDURES) for t in capacity),
        inflow=tuple(InflowChange.parse(t, procedures=PROCEDURES) for t in inflow),
    )


def whatif_view(
    store: ViewStore,
    today: date,
    scenario: Scenario,
    *,
    horizon: int = 26,
    target: float | None = None,
    procedure: str | None = None,
) -> dict[str, Any]:
    """The baseline and the scenario, ``horizon`` weeks from this week, per procedure and in all;
    ``target``: the week the open cases first fall under it."""
    if not 1 <= horizon <= MAX_HORIZON:
        raise ScenarioError(f"weeks: between 1 and {MAX_HORIZON}, not {horizon}")
    start = week_start(today)
    outlooks = _outlooks(store, today, horizon)
    results, baselines, scenarios = [], [], []
    for outlook in outlooks:
        if procedure not in (None, outlook.procedure):
            continue
        baseline = project(outlook, start, Scenario(), horizon)
        changed = project(outlook, start, scenario, horizon)
        baselines.append(baseline)
        scenarios.append(changed)
        results.append(
            {
                "procedure": outlook.procedure,
                "open_now": len(outlook.open_cases),
                "decisions_per_week": round(outlook.decisions_per_week, 1),
                "baseline": _document(baseline, target),
                "scenario": _document(changed, target),
            }
        )
    return {
        "today": str(today),
        "horizon_weeks": horizon,
        "target_open_cases": target,
        "scenario": {
            "capacity": [vars(c) for c in scenario.capacity],
            "inflow": [vars(c) for c in scenario.inflow],
        },
        "total": {
            "baseline": _document(_sum(baselines), target),
            "scenario": _document(_sum(scenarios), target),
        },
        "procedures": results,
    }


def _outlooks(store: ViewStore, today: date, horizon: int) -> list[ProcedureOutlook]:
    last_week = week_start(today) - timedelta(weeks=1)  # the last complete week
    inflow = weekly_series(store.daily_counts("accepted_on"), last_week)
    outflow = weekly_series(store.daily_counts("decided_on"), last_week)
    open_cases: dict[str, list[OpenCase]] = defaultdict(list)
    for facts in store.open_case_facts():
        clock = case_clock(facts)
        open_cases[clock.procedure].append(
            OpenCase(clock.deadline_on(today), facts.notice_of_default_on, facts.penalty_applies)
        )
    rules = IND_CATALOGUE.in_force(today).rules
    outlooks = []
    for name in sorted(set(inflow) | set(outflow) | set(open_cases)):
        if name not in {p.value for p in Procedure}:
            continue  # facts without a known procedure yet
        first_week, history = inflow.get(name, (last_week, []))
        decided = outflow.get(name, (last_week, []))[1]
        forecast = forecast_inflow(history, first_week, horizon) if history else None
        rule = rules[Procedure(name)]
        outlooks.append(
            ProcedureOutlook(
                procedure=name,
                open_cases=open_cases.get(name, []),
                inflow=[w.inflow for w in forecast.weeks] if forecast else [],
                decisions_per_week=sum(decided[-4:]) / 4 if decided else 0.0,
                period_days=(rule.period.after(today) - today).days,
                penalty_applies=rule.late_decision_penalty,
            )
        )
    return outlooks


def _sum(projections: list[Projection]) -> Projection:
    if not projections:
        return Projection()
    weeks = []
    for rows in zip(*(p.weeks for p in projections), strict=True):
        weeks.append(
            WeekOutlook(
                week_start=rows[0].week_start,
                **{
                    name: sum(getattr(r, name) for r in rows)
                    for name in (
                        "arrivals",
                        "decisions",
                        "open_cases",
                        "overdue",
                        "missed_deadlines",
                        "exposure",
                        "penalties_paid",
                    )
                },
            )
        )
    return Projection(weeks)


def _document(projection: Projection, target: float | None) -> dict[str, Any]:
    return {
        "summary": projection.summary(target),
        "weeks": [
            {
                "week_start": str(w.week_start),
                "arrivals": round(w.arrivals, 1),
                "decisions": round(w.decisions, 1),
                "open_cases": round(w.open_cases, 1),
                "overdue": round(w.overdue, 1),
                "missed_deadlines": round(w.missed_deadlines, 1),
                "exposure_eur": round(w.exposure),
                "penalties_paid_eur": round(w.penalties_paid),
            }
            for w in projection.weeks
        ],
    }
