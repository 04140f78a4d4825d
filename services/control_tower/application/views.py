"""The control tower's views as JSON-ready documents: one place for what the API, the CLI and the
metrics show."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Protocol

from services.control_tower.domain.aging import aging, waiting_documents
from services.control_tower.domain.flow import lead_times, rolling_rates, weekly_flow
from services.control_tower.projections.case_facts import CaseFacts, risk_summary
from services.control_tower.projections.workload import WorkloadRow


class ViewStore(Protocol):
    def workload(self) -> list[WorkloadRow]: ...
    def open_case_facts(self) -> list[CaseFacts]: ...
    def flow_facts(self, since: date) -> list[CaseFacts]: ...
    def decided_facts(self) -> list[CaseFacts]: ...
    def open_facts(self) -> list[CaseFacts]: ...
    def waiting_documents(self) -> list[CaseFacts]: ...
    def freshness(self) -> list[tuple[str, int, datetime, datetime, int | None]]: ...


def workload_view(store: ViewStore, procedure: str | None = None) -> list[dict[str, Any]]:
    return [
        {"procedure": r.procedure, "stage": r.stage, "open_cases": r.open_cases}
        for r in store.workload()
        if procedure in (None, r.procedure)
    ]


def deadline_risk_view(store: ViewStore, today: date, procedure: str | None = None) -> dict[str, Any]:
    summary = risk_summary([f for f in store.open_case_facts() if procedure in (None, f.procedure)], today)
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
    store: ViewStore, today: date, weeks: int, procedure: str | None = None
) -> dict[str, Any]:
    facts = [
        f for f in store.flow_facts(today - timedelta(weeks=weeks)) if procedure in (None, f.procedure)
    ]
    flows = weekly_flow(facts, today, weeks)
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


def lead_times_view(store: ViewStore, procedure: str | None = None) -> list[dict[str, Any]]:
    facts = [f for f in store.decided_facts() if procedure in (None, f.procedure)]
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


def aging_view(store: ViewStore, today: date, procedure: str | None = None) -> dict[str, Any]:
    result = aging([f for f in store.open_facts() if procedure in (None, f.procedure)], today)
    return {
        "today": str(today),
        "age_bands": result.bands,
        "waiting_on_applicant": result.waiting_on_applicant,
        "longest_waiting": [
            {"case_id": case, "procedure": proc, "days_since_receipt": days}
            for case, proc, days in result.longest_waiting
        ],
    }


def issuance_view(store: ViewStore, today: date) -> list[dict[str, Any]]:
    return [
        {"channel": w.channel, "waiting": w.waiting, "oldest_days": w.oldest_days, "mean_days": w.mean_days}
        for w in waiting_documents(store.waiting_documents(), today)
    ]


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
