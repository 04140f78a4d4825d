"""The control tower's views of where the work stands now, as JSON-ready documents: one place for what
the API, the CLI and the dashboard show. Views of flow over time are in ``flow_views.py``."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from services.control_tower.application.view_store import ViewStore, matches
from services.control_tower.domain.aging import aging, waiting_documents
from services.control_tower.domain.deadline_risk import bucket
from services.control_tower.domain.freshness import last_latency
from services.control_tower.projections.case_facts import case_clock, risk_summary

WORKLOAD_GROUPS = ("team", "target_group", "system")


def workload_view(
    store: ViewStore,
    procedure: str | None = None,
    *,
    team: str | None = None,
    target_group: str | None = None,
    system: str | None = None,
    group_by: str | None = None,
) -> list[dict[str, Any]]:
    """Open cases by procedure and stage; with ``group_by`` (team, target_group or system) also by
    that. The team, target-group and system filters keep the cases of that team, target group or
    owning system only."""
    if group_by is None and team is None and target_group is None and system is None:
        return [
            {"procedure": r.procedure, "stage": r.stage, "open_cases": r.open_cases}
            for r in store.workload()
            if procedure in (None, r.procedure)
        ]
    if group_by not in (None, *WORKLOAD_GROUPS):
        raise ValueError(f"group_by must be one of {', '.join(WORKLOAD_GROUPS)}, not {group_by!r}")
    counts: dict[tuple[str, str, str | None], int] = defaultdict(int)
    for proc, stage, case_team, case_group, case_system, open_cases in store.workload_detail():
        if (
            procedure in (None, proc)
            and team in (None, case_team)
            and target_group in (None, case_group)
            and system in (None, case_system)
        ):
            value = {"team": case_team, "target_group": case_group, "system": case_system}.get(
                group_by or ""
            )
            counts[(proc, stage, value)] += open_cases
    rows = []
    for (proc, stage, value), open_cases in counts.items():  # already in the store's order
        row: dict[str, Any] = {"procedure": proc, "stage": stage}
        if group_by is not None:
            row[group_by] = value
        rows.append({**row, "open_cases": open_cases})
    return rows


def deadline_risk_view(
    store: ViewStore,
    today: date,
    procedure: str | None = None,
    *,
    team: str | None = None,
    system: str | None = None,
) -> dict[str, Any]:
    open_cases = store.open_case_facts()
    summary = risk_summary([f for f in open_cases if matches(f, procedure, team, system)], today)
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


def aging_view(
    store: ViewStore,
    today: date,
    procedure: str | None = None,
    *,
    team: str | None = None,
    system: str | None = None,
) -> dict[str, Any]:
    result = aging([f for f in store.open_facts() if matches(f, procedure, team, system)], today)
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
    store: ViewStore,
    today: date,
    procedure: str | None = None,
    *,
    team: str | None = None,
    system: str | None = None,
) -> list[dict[str, Any]]:
    waiting = [f for f in store.waiting_documents() if matches(f, procedure, team, system)]
    return [
        {"channel": w.channel, "waiting": w.waiting, "oldest_days": w.oldest_days, "mean_days": w.mean_days}
        for w in waiting_documents(waiting, today)
    ]


def case_view(store: ViewStore, case_id: str, today: date) -> dict[str, Any] | None:
    """One case as the tower knows it: its facts, stage, clock and timeline (None if unknown)."""
    found = store.case(case_id)
    if found is None:
        return None
    facts, stage, is_open, timeline = found
    clock = case_clock(facts)
    deadline = clock.deadline_on(today)  # an open suspension keeps pushing it along
    undecided = facts.decided_on is None and is_open
    remaining = clock.days_remaining(today) if undecided else None
    return {
        "case_id": case_id,
        "procedure": facts.procedure,
        "system": facts.system,
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
    ``latency`` is how long the last applied event took from being recorded to being applied, when the
    two times are on one clock, else why not (``domain/freshness.py``); ``last_latency_seconds`` is the
    same seconds, null when they cannot be measured on one clock (never negative).
    """
    rows = []
    for stream, position, recorded_at, applied_at, behind in sorted(store.freshness()):
        waiting = behind is not None and behind > 0
        latency = last_latency(recorded_at, applied_at)
        rows.append(
            {
                "stream": stream,
                "position": position,
                "events_behind": behind,
                "seconds_behind": round((now - recorded_at).total_seconds(), 3) if waiting else 0.0,
                "last_latency_seconds": latency.seconds,
                "latency": {"seconds": latency.seconds, "not_measurable": latency.reason},
                "last_recorded_at": recorded_at.isoformat(),
                "last_applied_at": applied_at.isoformat(),
            }
        )
    return rows
