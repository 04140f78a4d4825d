"""The control tower's JSON API under /v1/tower, and Prometheus metrics at /metrics.

No ``from __future__ import annotations`` here: FastAPI reads parameter types at definition time.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import PlainTextResponse

from backbone.clock import Clock
from services.control_tower.adapters.workload_store import PostgresWorkloadStore, SQLiteWorkloadStore
from services.control_tower.application.flow_views import (
    forecast_view,
    lead_times_view,
    stage_times_view,
    throughput_view,
    wip_view,
)
from services.control_tower.application.views import (
    aging_view,
    case_view,
    deadline_risk_view,
    freshness_view,
    issuance_view,
    workload_view,
)
from services.control_tower.application.whatif_view import ScenarioError, parse_scenario, whatif_view
from services.control_tower.projections.case_facts import risk_summary

Store = SQLiteWorkloadStore | PostgresWorkloadStore
ProcedureFilter = Query(default=None, description="Only this procedure, e.g. asylum")
TeamFilter = Query(default=None, description="Only the cases assigned to this team")
DecidedSinceFilter = Query(default=None, description="Only cases decided since this day")
TodayFilter = Query(default=None, description="Read the clocks on this day (default: today)")


def tower_router(views: Callable[[], Store], clock: Clock) -> APIRouter:
    """The tower's views; ``views()`` is the live generation (a rebuild may swap in another)."""
    router = APIRouter(tags=["control tower"])

    def day(today: date | None) -> date:
        return today or clock.now().date()

    @router.get(
        "/v1/tower/workload", summary="Open cases by procedure and stage (and team or target group)"
    )
    def workload(
        procedure: str | None = ProcedureFilter,
        team: str | None = TeamFilter,
        target_group: str | None = Query(default=None, description="Only this target group (doelgroep)"),
        group_by: Literal["team", "target_group"] | None = Query(
            default=None, description="Also break the counts down by team or by target group"
        ),
    ) -> list[dict[str, Any]]:
        return workload_view(views(), procedure, team=team, target_group=target_group, group_by=group_by)

    @router.get("/v1/tower/wip", summary="Work in progress at the end of each ISO week, per procedure")
    def wip(
        weeks: int = Query(default=26, ge=1, le=520),
        procedure: str | None = ProcedureFilter,
        team: str | None = TeamFilter,
        today: date | None = TodayFilter,
    ) -> dict[str, Any]:
        return wip_view(views(), day(today), weeks, procedure, team=team)

    @router.get("/v1/tower/deadline-risk", summary="Deadline buckets, notices of default, penalty exposure")
    def deadline_risk(
        procedure: str | None = ProcedureFilter,
        team: str | None = TeamFilter,
        today: date | None = TodayFilter,
    ) -> dict[str, Any]:
        return deadline_risk_view(views(), day(today), procedure, team=team)

    @router.get("/v1/tower/throughput", summary="Inflow and outflow per ISO week or day; 4-week rates")
    def throughput(
        weeks: int = Query(default=12, ge=1, le=520),
        procedure: str | None = ProcedureFilter,
        team: str | None = TeamFilter,
        today: date | None = TodayFilter,
        granularity: Literal["week", "day"] = Query(default="week", description="per ISO week or per day"),
    ) -> dict[str, Any]:
        return throughput_view(views(), day(today), weeks, procedure, team=team, granularity=granularity)

    @router.get("/v1/tower/lead-times", summary="Received to decided, in days: p50, p90, p95")
    def lead_time_view(
        procedure: str | None = ProcedureFilter,
        team: str | None = TeamFilter,
        decided_since: date | None = DecidedSinceFilter,
    ) -> list[dict[str, Any]]:
        return lead_times_view(views(), procedure, team=team, decided_since=decided_since)

    @router.get("/v1/tower/stage-times", summary="Time spent in each stage: visits and mean days")
    def stage_times(procedure: str | None = ProcedureFilter) -> list[dict[str, Any]]:
        return stage_times_view(views(), procedure)

    @router.get(
        "/v1/tower/aging", summary="Open cases by age band; the longest waiting; waiting on the applicant"
    )
    def aging(
        procedure: str | None = ProcedureFilter,
        team: str | None = TeamFilter,
        today: date | None = TodayFilter,
    ) -> dict[str, Any]:
        return aging_view(views(), day(today), procedure, team=team)

    @router.get(
        "/v1/tower/issuance",
        summary="Residence documents ready and waiting, by desk, expat centre or courier",
    )
    def issuance(
        procedure: str | None = ProcedureFilter,
        team: str | None = TeamFilter,
        today: date | None = TodayFilter,
    ) -> list[dict[str, Any]]:
        return issuance_view(views(), day(today), procedure, team=team)

    @router.get(
        "/v1/tower/forecast",
        summary="Inflow forecast for 12 weeks (seasonal), its held-out error, and the backlog that follows",
    )
    def forecast(
        procedure: str | None = ProcedureFilter, today: date | None = TodayFilter
    ) -> dict[str, Any]:
        return forecast_view(views(), day(today), procedure)

    @router.get(
        "/v1/tower/whatif",
        summary="A what-if scenario next to the baseline: open cases, missed deadlines and penalties ahead",
        responses={
            422: {"description": "A scenario change that cannot be read: the parameter and the rule"}
        },
    )
    def whatif(
        capacity: Annotated[
            list[str],
            Query(description="capacity changes, procedure:+N%|-N%|xF[:from_week], e.g. asylum:+20%:10"),
        ] = [],  # noqa: B006  # FastAPI copies the default
        inflow: Annotated[
            list[str],
            Query(
                description="inflow changes, procedure:+N%|-N%|xF[:from_week[:weeks]], e.g. asylum:x2:0:6"
            ),
        ] = [],  # noqa: B006
        weeks: Annotated[int, Query(ge=1, le=156, description="weeks ahead")] = 26,
        target: Annotated[
            float | None, Query(ge=0, description="the week open cases first fall under this is reported")
        ] = None,
        procedure: str | None = ProcedureFilter,
        today: date | None = TodayFilter,
    ) -> dict[str, Any]:
        try:
            scenario = parse_scenario(capacity, inflow)
        except ScenarioError as error:
            raise HTTPException(status_code=422, detail=str(error)) from error
        return whatif_view(views(), day(today), scenario, horizon=weeks, target=target, procedure=procedure)

    @router.get(
        "/v1/tower/cases/{case_id}",
        summary="One case: stage, clock and timeline",
        responses={404: {"description": "The tower has seen no event of this case"}},
    )
    def case(case_id: str, today: date | None = TodayFilter) -> dict[str, Any]:
        found = case_view(views(), case_id, day(today))
        if found is None:
            raise HTTPException(status_code=404, detail=f"the tower has seen no event of case {case_id}")
        return found

    @router.get("/v1/tower/freshness", summary="Per feed: how far the tower is behind (events and seconds)")
    def freshness() -> list[dict[str, Any]]:
        return freshness_view(views(), datetime.now(UTC))

    @router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
    def metrics() -> str:
        store = views()
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
            *_freshness_metrics(store),
        ]
        return "\n".join(lines) + "\n"

    return router


def _freshness_metrics(store: Store) -> list[str]:
    rows = freshness_view(store, datetime.now(UTC))
    return [
        "# HELP backbone_tower_events_behind Events upstream the tower has not applied yet, per stream.",
        "# TYPE backbone_tower_events_behind gauge",
        *(
            f'backbone_tower_events_behind{{stream="{r["stream"]}"}} {r["events_behind"]}'
            for r in rows
            if r["events_behind"] is not None
        ),
        "# HELP backbone_tower_seconds_behind Upper bound on the age of the oldest event not yet applied.",
        "# TYPE backbone_tower_seconds_behind gauge",
        *(f'backbone_tower_seconds_behind{{stream="{r["stream"]}"}} {r["seconds_behind"]}' for r in rows),
    ]


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
