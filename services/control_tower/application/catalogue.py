"""The control tower's views, catalogued once: each view's name, what it shows, its parameters and how it
is computed. The HTTP API (``/v1/tower/<path>``), the ``backbone tower`` command, the dashboard (which
reads ``/v1/tower/views``) and ``/metrics`` are all made from this list; none of them declares a view
of its own."""

from __future__ import annotations

from datetime import date
from typing import Any

from backbone.errors import NotFound
from services.control_tower.application import flow_views, views
from services.control_tower.application.view_spec import Document, Parameter, View, ViewRequest
from services.control_tower.application.view_store import ViewStore
from services.control_tower.application.whatif_view import parse_scenario, whatif_view
from services.control_tower.projections.legacy_cases import SYSTEMS

PROCEDURE = Parameter("procedure", str, "Only this procedure, e.g. asylum")
TEAM = Parameter("team", str, "Only the cases assigned to this team")
TODAY = Parameter("today", date, "Read the clocks on this day (default: today)")
# The system that owns the case: the views of cases take it; those of totals (time in stage, the
# forecast and what-if, made from every case's flow) and of one case do not.
SYSTEM = Parameter(
    "system", str, "Only the cases this system owns: backbone or legacy (default: both)", choices=SYSTEMS
)


def _weeks(default: int, maximum: int = 520, description: str = "how many weeks back") -> Parameter:
    return Parameter("weeks", int, description, default, minimum=1, maximum=maximum)


def _case(store: ViewStore, request: ViewRequest) -> Document:
    found = views.case_view(store, request["case_id"], request.today)
    if found is None:
        raise NotFound("case", request["case_id"])
    return found


def _whatif(store: ViewStore, r: ViewRequest) -> Document:
    scenario = parse_scenario(list(r["capacity"] or []), list(r["inflow"] or []))
    return whatif_view(
        store, r.today, scenario, horizon=r["weeks"], target=r["target"], procedure=r["procedure"]
    )


CATALOGUE: tuple[View, ...] = (
    View(
        "workload",
        "Open cases by procedure and stage (and team, target group or owning system)",
        (
            PROCEDURE,
            TEAM,
            Parameter("target_group", str, "Only this target group (doelgroep)"),
            SYSTEM,
            Parameter(
                "group_by",
                str,
                "Also break the counts down by team, by target group or by the owning system",
                choices=views.WORKLOAD_GROUPS,
            ),
        ),
        lambda s, r: views.workload_view(
            s,
            r["procedure"],
            team=r["team"],
            target_group=r["target_group"],
            system=r["system"],
            group_by=r["group_by"],
        ),
        document=list[dict[str, Any]],
        aliases={"teams": {"group_by": "team"}},
    ),
    View(
        "wip",
        "Work in progress at the end of each ISO week, per procedure",
        (_weeks(26), PROCEDURE, TEAM, SYSTEM, TODAY),
        lambda s, r: flow_views.wip_view(
            s, r.today, r["weeks"], r["procedure"], team=r["team"], system=r["system"]
        ),
    ),
    View(
        "deadline-risk",
        "Deadline buckets, notices of default, penalty exposure",
        (PROCEDURE, TEAM, SYSTEM, TODAY),
        lambda s, r: views.deadline_risk_view(
            s, r.today, r["procedure"], team=r["team"], system=r["system"]
        ),
        operation="deadline_risk",
        aliases={"risk": {}},
        description=(
            "Buckets open, undecided cases by days to their statutory deadline (overdue, under 7 days, "
            "under 30 days, later), counts notices of default and sums the dwangsom exposure in euros "
            "(EUR 23/35/45 a day from the day after two weeks, at most EUR 1,442 a case, never for "
            "asylum), today and four weeks ahead if nothing is decided."
        ),
    ),
    View(
        "throughput",
        "Inflow and outflow per ISO week or day; 4-week rates",
        (
            _weeks(12),
            PROCEDURE,
            TEAM,
            SYSTEM,
            TODAY,
            Parameter("granularity", str, "per ISO week or per day", "week", choices=("week", "day")),
        ),
        lambda s, r: flow_views.throughput_view(
            s,
            r.today,
            r["weeks"],
            r["procedure"],
            team=r["team"],
            system=r["system"],
            granularity=r["granularity"],
        ),
    ),
    View(
        "lead-times",
        "Received to decided, in days: p50, p90, p95",
        (
            PROCEDURE,
            TEAM,
            SYSTEM,
            Parameter("decided_since", date, "Only cases decided since this day"),
        ),
        lambda s, r: flow_views.lead_times_view(
            s, r["procedure"], team=r["team"], system=r["system"], decided_since=r["decided_since"]
        ),
        document=list[dict[str, Any]],
        operation="lead_time_view",
    ),
    View(
        "stage-times",
        "Time spent in each stage: visits and mean days",
        (PROCEDURE,),
        lambda s, r: flow_views.stage_times_view(s, r["procedure"]),
        document=list[dict[str, Any]],
        operation="stage_times",
    ),
    View(
        "aging",
        "Open cases by age band; the longest waiting; waiting on the applicant",
        (PROCEDURE, TEAM, SYSTEM, TODAY),
        lambda s, r: views.aging_view(s, r.today, r["procedure"], team=r["team"], system=r["system"]),
    ),
    View(
        "issuance",
        "Residence documents ready and waiting, by desk, expat centre or courier",
        (PROCEDURE, TEAM, SYSTEM, TODAY),
        lambda s, r: views.issuance_view(s, r.today, r["procedure"], team=r["team"], system=r["system"]),
        document=list[dict[str, Any]],
    ),
    View(
        "forecast",
        "Inflow forecast for 12 weeks (seasonal), its held-out error, and the backlog that follows",
        (PROCEDURE, TODAY),
        lambda s, r: flow_views.forecast_view(s, r.today, r["procedure"]),
        description=(
            "Forecasts accepted applications per procedure for the next 12 weeks: with a year or more "
            "of history, a 52-week seasonal profile times the recent level; with less, the recent "
            "level. The band is the 10th-90th percentile of past forecast errors. The held-out error "
            "forecasts the last 12 weeks from the weeks before them and compares. The backlog ahead "
            "assumes decisions continue at the mean of the last four complete weeks."
        ),
    ),
    View(
        "whatif",
        "A what-if scenario next to the baseline: open cases, missed deadlines and penalties ahead",
        (
            Parameter(
                "capacity",
                list,
                "capacity changes, procedure:+N%|-N%|xF[:from_week], e.g. asylum:+20%:10",
                (),
            ),
            Parameter(
                "inflow",
                list,
                "inflow changes, procedure:+N%|-N%|xF[:from_week[:weeks]], e.g. asylum:x2:0:6",
                (),
            ),
            _weeks(26, 156, "weeks ahead"),
            Parameter("target", float, "the week open cases first fall under this is reported", minimum=0),
            PROCEDURE,
            TODAY,
        ),
        _whatif,
        description=(
            "Projects the weeks ahead from the views as they are (open cases with their deadlines and "
            "notices of default, the seasonal inflow forecast, the decision rate of the last four "
            "weeks), once as they are and once with the changes asked for, and prints both: open cases, "
            "missed deadlines, penalty exposure and penalties paid. Nothing is written anywhere. "
            "Changes are +N%, -N% or xF, from a week on (0 is this week), for some weeks (inflow); "
            "'all' changes every procedure."
        ),
    ),
    View(
        "case",
        "One case: stage, clock and timeline",
        (Parameter("case_id", str, "the case (application) id", in_path=True), TODAY),
        _case,
        path="cases/{case_id}",
    ),
    View(
        "freshness",
        "Per feed: how far the tower is behind (events and seconds)",
        (),
        lambda s, r: views.freshness_view(s, r.now),
        document=list[dict[str, Any]],
    ),
)
VIEWS: dict[str, View] = {view.name: view for view in CATALOGUE}
