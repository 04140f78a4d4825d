"""The control tower's JSON API under /v1/tower, and Prometheus metrics at /metrics.

No ``from __future__ import annotations`` here: FastAPI reads parameter types at definition time.
"""

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from backbone.clock import Clock
from services.control_tower.adapters.workload_store import PostgresWorkloadStore, SQLiteWorkloadStore
from services.control_tower.domain.flow import lead_times, rolling_rates, weekly_flow
from services.control_tower.projections.case_facts import risk_summary

Store = SQLiteWorkloadStore | PostgresWorkloadStore
ProcedureFilter = Query(default=None, description="Only this procedure, e.g. asylum")
TodayFilter = Query(default=None, description="Read the clocks on this day (default: today)")


def tower_router(store: Store, clock: Clock) -> APIRouter:
    router = APIRouter(tags=["control tower"])

    def day(today: date | None) -> date:
        return today or clock.now().date()

    @router.get("/v1/tower/workload", summary="Open cases by procedure and stage")
    def workload(procedure: str | None = ProcedureFilter) -> list[dict[str, Any]]:
        return [
            {"procedure": r.procedure, "stage": r.stage, "open_cases": r.open_cases}
            for r in store.workload()
            if procedure in (None, r.procedure)
        ]

    @router.get("/v1/tower/deadline-risk", summary="Deadline buckets, notices of default, penalty exposure")
    def deadline_risk(
        procedure: str | None = ProcedureFilter, today: date | None = TodayFilter
    ) -> dict[str, Any]:
        facts = [f for f in store.open_case_facts() if procedure in (None, f.procedure)]
        summary = risk_summary(facts, day(today))
        return {
            "today": str(summary.today),
            "buckets": summary.buckets,
            "notices_of_default": summary.notices_of_default,
            "exposure_eur": {"today": summary.exposure_today, "in_4_weeks": summary.exposure_in_4_weeks},
            "longest_overdue": [
                {"case_id": c, "procedure": p, "days_overdue": d} for c, p, d in summary.longest_overdue
            ],
        }

    @router.get("/v1/tower/throughput", summary="Inflow and outflow per ISO week; 4-week rates")
    def throughput(
        weeks: int = Query(default=12, ge=1, le=520),
        procedure: str | None = ProcedureFilter,
        today: date | None = TodayFilter,
    ) -> dict[str, Any]:
        end = day(today)
        facts = [
            f for f in store.flow_facts(end - timedelta(weeks=weeks)) if procedure in (None, f.procedure)
        ]
        flows = weekly_flow(facts, end, weeks)
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
            "rolling_4_weeks": {
                p: {"inflow": i, "outflow": o} for p, (i, o) in rolling_rates(flows).items()
            },
        }

    @router.get("/v1/tower/lead-times", summary="Received to decided, in days: p50, p90, p95")
    def lead_time_view(procedure: str | None = ProcedureFilter) -> list[dict[str, Any]]:
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

    @router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
    def metrics() -> str:
        summary = risk_summary(store.open_case_facts(), clock.now().date())
        lines = [
            "# HELP backbone_open_cases Open cases by procedure and stage.",
            "# TYPE backbone_open_cases gauge",
            *(
                f'backbone_open_cases{{procedure="{r.procedure}",stage="{r.stage}"}} {r.open_cases}'
                for r in store.workload()
            ),
            "# HELP backbone_deadline_risk_cases Open, undecided cases by days to their deadline.",
            "# TYPE backbone_deadline_risk_cases gauge",
            *(f'backbone_deadline_risk_cases{{bucket="{b}"}} {n}' for b, n in summary.buckets.items()),
            "# HELP backbone_overdue_cases Open, undecided cases past their statutory deadline.",
            "# TYPE backbone_overdue_cases gauge",
            f"backbone_overdue_cases {summary.buckets['overdue']}",
            "# HELP backbone_notices_of_default Open cases with a notice of default.",
            "# TYPE backbone_notices_of_default gauge",
            f"backbone_notices_of_default {summary.notices_of_default}",
            "# HELP backbone_penalty_exposure_euros Late-decision penalties accrued on open cases.",
            "# TYPE backbone_penalty_exposure_euros gauge",
            f'backbone_penalty_exposure_euros{{horizon="today"}} {summary.exposure_today}',
            f'backbone_penalty_exposure_euros{{horizon="4_weeks"}} {summary.exposure_in_4_weeks}',
            *_feed_positions(store),
        ]
        return "\n".join(lines) + "\n"

    return router


def _feed_positions(store: Store) -> list[str]:
    """How far the tower has applied each stream (an upstream notification id)."""
    return [
        "# HELP backbone_tower_position Upstream notification id the tower has applied, per stream.",
        "# TYPE backbone_tower_position gauge",
        *(
            f'backbone_tower_position{{stream="{name}"}} {position}'
            for name, position in sorted(store.positions().items())
            if "@" not in name and not name.startswith("__")
        ),
    ]
