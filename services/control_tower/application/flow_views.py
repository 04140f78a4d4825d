"""The control tower's views of flow over time, as JSON-ready documents: throughput, lead times, time in
stage, work in progress over time, and the forecast with the backlog ahead."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from services.control_tower.application.view_store import ViewStore, matches
from services.control_tower.domain.backlog_forecast import (
    BacklogForecast,
    all_procedures,
    forecast_backlog,
    held_out,
)
from services.control_tower.domain.flow import (
    daily_flow,
    iso_week,
    lead_times,
    rolling_rates,
    weekly_flow,
)
from services.control_tower.domain.forecast import HeldOutError

FORECAST_WEEKS = 12
HISTORY_SHOWN_WEEKS = 52


def throughput_view(
    store: ViewStore,
    today: date,
    weeks: int,
    procedure: str | None = None,
    *,
    team: str | None = None,
    system: str | None = None,
    granularity: str = "week",
) -> dict[str, Any]:
    """Inflow (accepted) and outflow (decided) per ISO week, or per day over the same ``weeks``."""
    since = today - timedelta(weeks=weeks)
    facts = [f for f in store.flow_facts(since) if matches(f, procedure, team, system)]
    flows = weekly_flow(facts, today, weeks)
    if granularity == "day":
        days = daily_flow(facts, today, weeks * 7)
        return {
            "days": [
                {
                    "day": str(d.day),
                    "procedure": d.procedure,
                    "inflow": d.inflow,
                    "outflow": d.outflow,
                    "net": d.inflow - d.outflow,
                }
                for d in days
            ],
            "rolling_4_weeks": {
                p: {"inflow": i, "outflow": o} for p, (i, o) in rolling_rates(flows).items()
            },
        }
    if granularity != "week":
        raise ValueError(f"granularity must be week or day, not {granularity!r}")
    return {
        "weeks": [
            {
                "week": f.week,
                "procedure": f.procedure,
                "inflow": f.inflow,
                "outflow": f.outflow,
                "net": f.net,
            }
            for f in flows
        ],
        "rolling_4_weeks": {p: {"inflow": i, "outflow": o} for p, (i, o) in rolling_rates(flows).items()},
    }


def lead_times_view(
    store: ViewStore,
    procedure: str | None = None,
    *,
    team: str | None = None,
    system: str | None = None,
    decided_since: date | None = None,
) -> list[dict[str, Any]]:
    facts = [
        f
        for f in store.decided_facts()
        if matches(f, procedure, team, system)
        and (decided_since is None or (f.decided_on is not None and f.decided_on >= decided_since))
    ]
    return [
        {
            "procedure": t.procedure,
            "track": t.track,
            "decided": t.decided,
            "p50_days": t.p50,
            "p90_days": t.p90,
            "p95_days": t.p95,
        }
        for t in lead_times(facts)
    ]


def stage_times_view(store: ViewStore, procedure: str | None = None) -> list[dict[str, Any]]:
    """Time spent in each stage: completed visits and their mean length in days."""
    return [
        {"procedure": p, "stage": s, "visits": v, "mean_days": round(t / v / 86400, 2)}
        for p, s, v, t in store.stage_times()
        if procedure in (None, p) and v
    ]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def wip_view(
    store: ViewStore,
    today: date,
    weeks: int,
    procedure: str | None = None,
    *,
    team: str | None = None,
    system: str | None = None,
) -> dict[str, Any]:
    """Work in progress over time: the cases received and not yet decided (nor withdrawn or closed) at
    the end of each of the last ``weeks`` ISO weeks (the current week: today), per procedure."""
    this_week = week_start(today)
    starts = [this_week - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    ends = [min(start + timedelta(days=6), today) for start in starts]
    rows: list[dict[str, Any]] = []
    for proc, counts in store.work_in_progress(ends, team, system):
        if procedure not in (None, proc):
            continue
        rows.extend(
            {"week": iso_week(end), "week_end": str(end), "procedure": proc, "open_cases": n}
            for end, n in zip(ends, counts, strict=True)
        )
    return {"weeks": sorted(rows, key=lambda r: (r["week_end"], r["procedure"]))}


def forecast_view(
    store: ViewStore, today: date, procedure: str | None = None, *, horizon: int = FORECAST_WEEKS
) -> dict[str, Any]:
    """Per procedure: accepted applications per week, the next ``horizon`` weeks forecast (seasonality
    learned from the history), its error on the last ``horizon`` weeks held out, and the backlog that
    follows if decisions continue at the mean rate of the last four complete weeks; and ``all``: every
    procedure shown together, on the same weeks (``domain/backlog_forecast.py``).

    ``open_now`` counts the cases received and not yet decided (nor ended): deadline risk's cases."""
    this_week = week_start(today)
    last_week = this_week - timedelta(weeks=1)  # the last complete week
    inflow = weekly_series(store.daily_counts("accepted_on"), last_week)
    outflow = weekly_series(store.daily_counts("decided_on"), last_week)
    open_now = Counter(f.procedure or "unknown" for f in store.open_case_facts())
    forecasts = []
    for proc in sorted(set(inflow) | set(outflow) | set(open_now)):
        if procedure in (None, proc):
            # a procedure without inflow yet is forecast from this week too, so the weeks ahead align
            first_week, history = inflow.get(proc, (this_week, []))
            decided = outflow.get(proc, (last_week, []))[1]
            forecasts.append(forecast_backlog(proc, history, first_week, decided, open_now[proc], horizon))
    return {
        "today": str(today),
        "horizon_weeks": horizon,
        "procedures": [_forecast_document(f, held_out(f)) for f in forecasts],
        "all": _forecast_document(all_procedures(forecasts), None) if forecasts else None,
    }


def _forecast_document(forecast: BacklogForecast, error: HeldOutError | None) -> dict[str, Any]:
    shown = forecast.history[-HISTORY_SHOWN_WEEKS:]
    shown_from = forecast.history_from + timedelta(weeks=len(forecast.history) - len(shown))
    return {
        "procedure": forecast.procedure,
        "method": forecast.method,
        "history": [
            {"week_start": str(shown_from + timedelta(weeks=i)), "inflow": n} for i, n in enumerate(shown)
        ],
        "forecast": [
            {
                "week_start": str(w.week_start),
                "inflow": round(w.inflow, 1),
                "low": round(w.low, 1),
                "high": round(w.high, 1),
            }
            for w in forecast.weeks
        ],
        "decisions_per_week": round(forecast.decisions_per_week, 1),
        "open_now": forecast.open_now,
        "backlog": [
            {"week_start": str(w.week_start), "open_cases": round(b, 1)}
            for w, b in zip(forecast.weeks, forecast.backlog, strict=True)
        ],
        "held_out": None
        if error is None
        else {
            "weeks": error.weeks,
            "mae": round(error.mae, 2),
            "mape": None if error.mape is None else round(error.mape, 4),
            "bias": round(error.bias, 2),
        },
    }


def weekly_series(daily: list[tuple[str, date, int]], last_week: date) -> dict[str, tuple[date, list[int]]]:
    """Per procedure, counts per week from its first week with any up to ``last_week`` (zeros between)."""
    per_week: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for proc, day, count in daily:
        if week_start(day) <= last_week:
            per_week[proc][week_start(day)] += count
    series = {}
    for proc, weeks in per_week.items():
        first = min(weeks)
        span = (last_week - first).days // 7 + 1
        series[proc] = (first, [weeks.get(first + timedelta(weeks=i), 0) for i in range(span)])
    return series
