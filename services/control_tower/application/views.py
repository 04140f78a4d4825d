"""The control tower's views as JSON-ready documents: one place for what the API, the CLI and the
metrics show."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from services.control_tower.domain.aging import aging, waiting_documents
from services.control_tower.domain.deadline_risk import bucket
from services.control_tower.domain.flow import (
    daily_flow,
    iso_week,
    lead_times,
    rolling_rates,
    weekly_flow,
)
from services.control_tower.domain.forecast import forecast_inflow, held_out_error, project_backlog
from services.control_tower.projections.case_facts import CaseFacts, risk_summary
from services.control_tower.projections.workload import WorkloadRow

FORECAST_WEEKS = 12
HISTORY_SHOWN_WEEKS = 52
WORKLOAD_GROUPS = ("team", "target_group")


class ViewStore(Protocol):
    def workload(self) -> list[WorkloadRow]: ...
    def workload_detail(self) -> list[tuple[str, str, str | None, str | None, int]]: ...
    def stage_times(self) -> list[tuple[str, str, int, int]]: ...
    def work_in_progress(
        self, week_ends: list[date], team: str | None = None
    ) -> list[tuple[str, list[int]]]: ...
    def daily_counts(self, column: str) -> list[tuple[str, date, int]]: ...
    def case(self, case_id: str) -> tuple[CaseFacts, str | None, bool, list[tuple[Any, ...]]] | None: ...
    def open_case_facts(self) -> list[CaseFacts]: ...
    def flow_facts(self, since: date) -> list[CaseFacts]: ...
    def decided_facts(self) -> list[CaseFacts]: ...
    def open_facts(self) -> list[CaseFacts]: ...
    def waiting_documents(self) -> list[CaseFacts]: ...
    def freshness(self) -> list[tuple[str, int, datetime, datetime, int | None]]: ...


def _matches(facts: CaseFacts, procedure: str | None, team: str | None) -> bool:
    return procedure in (None, facts.procedure) and team in (None, facts.team)


def workload_view(
    store: ViewStore,
    procedure: str | None = None,
    *,
    team: str | None = None,
    target_group: str | None = None,
    group_by: str | None = None,
) -> list[dict[str, Any]]:
    """Open cases by procedure and stage; with ``group_by`` (team or target_group) also by that. The
    team and target-group filters keep the cases of that team or target group only."""
    if group_by is None and team is None and target_group is None:
        return [
            {"procedure": r.procedure, "stage": r.stage, "open_cases": r.open_cases}
            for r in store.workload()
            if procedure in (None, r.procedure)
        ]
    if group_by not in (None, *WORKLOAD_GROUPS):
        raise ValueError(f"group_by must be one of {', '.join(WORKLOAD_GROUPS)}, not {group_by!r}")
    counts: dict[tuple[str, str, str | None], int] = defaultdict(int)
    for proc, stage, case_team, case_group, open_cases in store.workload_detail():
        if procedure in (None, proc) and team in (None, case_team) and target_group in (None, case_group):
            value = {"team": case_team, "target_group": case_group}.get(group_by or "")
            counts[(proc, stage, value)] += open_cases
    rows = []
    for (proc, stage, value), open_cases in counts.items():  # already in the store's order
        row: dict[str, Any] = {"procedure": proc, "stage": stage}
        if group_by is not None:
            row[group_by] = value
        rows.append({**row, "open_cases": open_cases})
    return rows


def deadline_risk_view(
    store: ViewStore, today: date, procedure: str | None = None, *, team: str | None = None
) -> dict[str, Any]:
    summary = risk_summary([f for f in store.open_case_facts() if _matches(f, procedure, team)], today)
    return {
        "today": str(summary.today),
        "buckets": summary.buckets,
        "notices_of_default": summary.notices_of_default,
        "exposure_eur": {"today": summary.exposure_today, "in_4_weeks": summary.exposure_in_4_weeks},
        "longest_overdue": [
            {"case_id": case, "procedure": proc, "days_overdue": days}
            for case, proc, days in summary.longest_overdue
        ],
    }


def throughput_view(
    store: ViewStore,
    today: date,
    weeks: int,
    procedure: str | None = None,
    *,
    team: str | None = None,
    granularity: str = "week",
) -> dict[str, Any]:
    """Inflow (accepted) and outflow (decided) per ISO week, or per day over the same ``weeks``."""
    facts = [f for f in store.flow_facts(today - timedelta(weeks=weeks)) if _matches(f, procedure, team)]
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
    decided_since: date | None = None,
) -> list[dict[str, Any]]:
    facts = [
        f
        for f in store.decided_facts()
        if _matches(f, procedure, team)
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


def aging_view(
    store: ViewStore, today: date, procedure: str | None = None, *, team: str | None = None
) -> dict[str, Any]:
    result = aging([f for f in store.open_facts() if _matches(f, procedure, team)], today)
    return {
        "today": str(today),
        "age_bands": result.bands,
        "waiting_on_applicant": result.waiting_on_applicant,
        "longest_waiting": [
            {"case_id": case, "procedure": proc, "days_since_receipt": days}
            for case, proc, days in result.longest_waiting
        ],
    }


def issuance_view(
    store: ViewStore, today: date, procedure: str | None = None, *, team: str | None = None
) -> list[dict[str, Any]]:
    waiting = [f for f in store.waiting_documents() if _matches(f, procedure, team)]
    return [
        {"channel": w.channel, "waiting": w.waiting, "oldest_days": w.oldest_days, "mean_days": w.mean_days}
        for w in waiting_documents(waiting, today)
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
    store: ViewStore, today: date, weeks: int, procedure: str | None = None, *, team: str | None = None
) -> dict[str, Any]:
    """Work in progress over time: the cases received and not yet decided (nor withdrawn or closed) at
    the end of each of the last ``weeks`` ISO weeks (the current week: today), per procedure."""
    this_week = week_start(today)
    starts = [this_week - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    ends = [min(start + timedelta(days=6), today) for start in starts]
    rows: list[dict[str, Any]] = []
    for proc, counts in store.work_in_progress(ends, team):
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
    follows if decisions continue at the mean rate of the last four complete weeks."""
    last_week = week_start(today) - timedelta(weeks=1)  # the last complete week
    inflow = _weekly_series(store.daily_counts("accepted_on"), last_week)
    outflow = _weekly_series(store.daily_counts("decided_on"), last_week)
    wip = dict(store.work_in_progress([today]))
    result = []
    for proc in sorted(set(inflow) | set(outflow)):
        if procedure not in (None, proc):
            continue
        first_week, history = inflow.get(proc, (last_week, []))
        decided = outflow.get(proc, (last_week, []))[1]
        decisions_per_week = sum(decided[-4:]) / 4 if decided else 0.0
        forecast = forecast_inflow(history, first_week, horizon)
        open_now = wip.get(proc, [0])[0]
        backlog = project_backlog(open_now, [w.inflow for w in forecast.weeks], decisions_per_week)
        error = held_out_error(history, first_week, horizon)
        shown = history[-HISTORY_SHOWN_WEEKS:]
        shown_from = first_week + timedelta(weeks=len(history) - len(shown))
        result.append(
            {
                "procedure": proc,
                "method": forecast.method,
                "history": [
                    {"week_start": str(shown_from + timedelta(weeks=i)), "inflow": n}
                    for i, n in enumerate(shown)
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
                "decisions_per_week": round(decisions_per_week, 1),
                "open_now": open_now,
                "backlog": [
                    {"week_start": str(w.week_start), "open_cases": round(b, 1)}
                    for w, b in zip(forecast.weeks, backlog, strict=True)
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
        )
    return {"today": str(today), "horizon_weeks": horizon, "procedures": result}


def _weekly_series(
    daily: list[tuple[str, date, int]], last_week: date
) -> dict[str, tuple[date, list[int]]]:
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


def case_view(store: ViewStore, case_id: str, today: date) -> dict[str, Any] | None:
    """One case as the tower knows it: its facts, stage, clock and timeline (None if unknown)."""
    found = store.case(case_id)
    if found is None:
        return None
    facts, stage, is_open, timeline = found
    deadline = facts.statutory_deadline
    if deadline is not None and facts.suspended_since is not None and today > facts.suspended_since:
        deadline = deadline + (today - facts.suspended_since)
    undecided = facts.decided_on is None and is_open
    remaining = (deadline - today).days if deadline is not None and undecided else None
    return {
        "case_id": case_id,
        "procedure": facts.procedure,
        "stage": stage,
        "is_open": is_open,
        "team": facts.team,
        "target_group": facts.target_group,
        "track": facts.track,
        "received_on": _iso(facts.received_on),
        "accepted_on": _iso(facts.accepted_on),
        "statutory_deadline": _iso(deadline),
        "suspended_since": _iso(facts.suspended_since),
        "days_remaining": remaining,
        "deadline_bucket": bucket(remaining) if undecided else None,
        "notice_of_default_on": _iso(facts.notice_of_default_on),
        "decided_on": _iso(facts.decided_on),
        "outcome": facts.outcome,
        "timeline": [
            {
                "at": at,
                "service": event.split(".")[2],
                "event": event.rpartition(".")[2],
                "detail": json.loads(detail),
            }
            for at, event, detail in timeline
        ],
    }


def _iso(day: date | None) -> str | None:
    return None if day is None else str(day)


def freshness_view(store: ViewStore, now: datetime) -> list[dict[str, Any]]:
    """Per stream the tower reads: how far behind it is.

    ``events_behind`` is the backlog last measured against the upstream (Kafka end offsets, or the
    notification log's head). ``seconds_behind`` is 0 when nothing waits, else the time since the last
    applied event was recorded upstream: an upper bound on the age of the oldest event still waiting.
    ``last_latency_seconds`` is how long the last applied event took from being recorded to being applied.
    """
    rows = []
    for stream, position, recorded_at, applied_at, behind in sorted(store.freshness()):
        waiting = behind is not None and behind > 0
        rows.append(
            {
                "stream": stream,
                "position": position,
                "events_behind": behind,
                "seconds_behind": round((now - recorded_at).total_seconds(), 3) if waiting else 0.0,
                "last_latency_seconds": round((applied_at - recorded_at).total_seconds(), 3),
                "last_applied_at": applied_at.isoformat(),
            }
        )
    return rows
