"""``backbone tower``: the control tower's views in the terminal (``--json`` for scripts).

In embedded mode the consumers first catch up with intake and decision.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from backbone.clock import SystemClock
from backbone.errors import NotFound
from backbone.logs import configure_logging
from backbone.settings import Settings
from composition.cli.failures import UsageError
from composition.cli.progress import ProgressBar
from composition.opened import open_backbone
from composition.system import System
from services.control_tower.adapters.terminal import views_text
from services.control_tower.adapters.terminal.workload_table import workload_json, workload_table
from services.control_tower.application import flow_views, views
from services.control_tower.application.whatif_view import ScenarioError, parse_scenario, whatif_view
from services.control_tower.rebuild import rebuild_views

RISK_HELP = (
    "Buckets open, undecided cases by days to their statutory deadline (overdue, under 7 days, under 30 "
    "days, later), counts notices of default and sums the dwangsom exposure in euros (EUR 23/35/45 a day "
    "from the day after two weeks, at most EUR 1,442 a case, never for asylum), today and four weeks "
    "ahead if nothing is decided."
)


FORECAST_HELP = (
    "Forecasts accepted applications per procedure for the next 12 weeks: with a year or more of history, "
    "a 52-week seasonal profile times the recent level; with less, the recent level. The band is the "
    "10th-90th percentile of past forecast errors. The held-out error forecasts the last 12 weeks from "
    "the weeks before them and compares. The backlog ahead assumes decisions continue at the mean of the "
    "last four complete weeks."
)
REBUILD_HELP = (
    "Rebuilds every view of the control tower from the beginning of intake's and decision's streams "
    "(notification logs in embedded mode; every partition of the Kafka topics in distributed mode, read "
    "up to the end offsets they had at the start, without a consumer group) into a new generation, with "
    "a progress bar. The live views keep serving meanwhile. The streams are folded in memory and each "
    "table is written once, in one transaction with the positions; --workers shares the partitions "
    "between worker processes. Then the new generation is swapped in: the running tower and API "
    "processes open it within a second and carry on from its positions. The generation before the "
    "previous one is deleted at the start of a rebuild."
)


WHATIF_HELP = (
    "Projects the weeks ahead from the views as they are (open cases with their deadlines and notices "
    "of default, the seasonal inflow forecast, the decision rate of the last four weeks), once as they "
    "are and once with the changes asked for, and prints both: open cases, missed deadlines, penalty "
    "exposure and penalties paid. Nothing is written anywhere. Changes are +N%%, -N%% or xF, from a "
    "week on (0 is this week), for some weeks (inflow); 'all' changes every procedure."
)


@dataclass(frozen=True)
class View:
    help: str
    compute: Callable[[Any, argparse.Namespace], Any]
    render: Callable[[Any], str]
    options: tuple[str, ...] = ()  # "today", "weeks", "procedure", "team", "by", "case_id"
    description: str | None = None


def _today(arguments: argparse.Namespace) -> date:
    return arguments.today or SystemClock().now().date()


def _case(store: Any, arguments: argparse.Namespace) -> dict[str, Any]:
    found = views.case_view(store, arguments.case_id, _today(arguments))
    if found is None:
        raise NotFound("case", arguments.case_id)
    return found


VIEWS: dict[str, View] = {
    "risk": View(
        "open cases against their statutory deadlines; notices of default; penalty exposure",
        lambda store, a: views.deadline_risk_view(store, _today(a), a.procedure, team=a.team),
        views_text.risk_text,
        ("today", "procedure", "team"),
        RISK_HELP,
    ),
    "teams": View(
        "open cases by procedure, team (or --by target_group) and stage",
        lambda store, a: views.workload_view(store, a.procedure, team=a.team, group_by=a.by),
        views_text.teams_text,
        ("procedure", "team", "by"),
    ),
    "wip": View(
        "work in progress over time: cases received and not yet decided, at the end of each week",
        lambda store, a: flow_views.wip_view(store, _today(a), a.weeks, a.procedure, team=a.team),
        views_text.wip_text,
        ("today", "weeks", "procedure", "team"),
    ),
    "throughput": View(
        "inflow (accepted) and outflow (decided) per ISO week and procedure; 4-week rates",
        lambda store, a: flow_views.throughput_view(store, _today(a), a.weeks, a.procedure, team=a.team),
        views_text.throughput_text,
        ("today", "weeks", "procedure", "team"),
    ),
    "lead-times": View(
        "received -> decided in days: p50 / p90 / p95 per procedure and track",
        lambda store, a: flow_views.lead_times_view(store, a.procedure, team=a.team),
        views_text.lead_times_text,
        ("procedure", "team"),
    ),
    "stage-times": View(
        "time spent in each stage: completed visits and their mean length in days",
        lambda store, a: flow_views.stage_times_view(store, a.procedure),
        views_text.stage_times_text,
        ("procedure",),
    ),
    "forecast": View(
        "accepted applications for the next 12 weeks (seasonal), its held-out error, the backlog ahead",
        lambda store, a: flow_views.forecast_view(store, _today(a), a.procedure),
        views_text.forecast_text,
        ("today", "procedure"),
        FORECAST_HELP,
    ),
    "aging": View(
        "open cases by age band; the longest waiting; waiting on the applicant",
        lambda store, a: views.aging_view(store, _today(a), a.procedure, team=a.team),
        views_text.aging_text,
        ("today", "procedure", "team"),
    ),
    "issuance": View(
        "residence documents ready and waiting, per channel, with their age",
        lambda store, a: views.issuance_view(store, _today(a), a.procedure, team=a.team),
        views_text.issuance_text,
        ("today", "procedure", "team"),
    ),
    "case": View(
        "one case as the tower knows it: stage, team, statutory clock and timeline",
        _case,
        views_text.case_text,
        ("today", "case_id"),
    ),
    "freshness": View(
        "per feed: how far the tower is behind (events and seconds)",
        lambda store, a: views.freshness_view(store, datetime.now(UTC)),
        views_text.freshness_text,
    ),
}


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "tower", help="the control tower (verkeerstoren) views", description=__doc__
    )
    subparsers = parser.add_subparsers(dest="view", required=True, metavar="VIEW")
    status = subparsers.add_parser("status", help="open cases by procedure and stage")
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    status.set_defaults(handler=_status)
    rebuild = subparsers.add_parser(
        "rebuild",
        help="rebuild every view from the beginning of the streams, then swap it in",
        description=REBUILD_HELP,
    )
    rebuild.add_argument("--json", action="store_true", help="print the report as JSON")
    rebuild.add_argument(
        "--no-swap", action="store_true", help="build the new generation but leave the live one in place"
    )
    rebuild.add_argument(
        "--workers",
        type=int,
        default=1,
        help="distributed mode: worker processes sharing the partitions (1: this process alone)",
    )
    rebuild.set_defaults(handler=_rebuild)
    whatif = subparsers.add_parser(
        "whatif",
        help="a scenario of capacity or inflow changes next to the baseline: backlog, deadlines, penalties",
        description=WHATIF_HELP,
    )
    whatif.add_argument(
        "--capacity",
        action="append",
        default=[],
        metavar="PROCEDURE:CHANGE[:FROM_WEEK]",
        help="decision capacity change, e.g. asylum:+20%%:10 or all:x0.9 (repeatable)",
    )
    whatif.add_argument(
        "--inflow",
        action="append",
        default=[],
        metavar="PROCEDURE:CHANGE[:FROM_WEEK[:WEEKS]]",
        help="inflow change, e.g. asylum:x2:0:6 (twice the inflow for six weeks; repeatable)",
    )
    whatif.add_argument("--weeks", type=int, default=26, help="weeks ahead (26)")
    whatif.add_argument("--target", type=float, help="report the week open cases first fall under this")
    whatif.add_argument("--procedure", help="only this procedure, e.g. asylum")
    whatif.add_argument("--today", type=date.fromisoformat, help="the day to look from (YYYY-MM-DD)")
    whatif.add_argument("--json", action="store_true", help="print JSON for scripts")
    whatif.set_defaults(handler=_whatif)
    for name, view in VIEWS.items():
        sub = subparsers.add_parser(name, help=view.help, description=view.description or view.help)
        if "today" in view.options:
            sub.add_argument("--today", type=date.fromisoformat, help="the day to look from (YYYY-MM-DD)")
        if "weeks" in view.options:
            sub.add_argument("--weeks", type=int, default=12, help="how many weeks back (12)")
        if "procedure" in view.options:
            sub.add_argument("--procedure", help="only this procedure, e.g. asylum")
        if "team" in view.options:
            sub.add_argument("--team", help="only the cases assigned to this team")
        if "by" in view.options:
            sub.add_argument(
                "--by", choices=("team", "target_group"), default="team", help="break down by (team)"
            )
        if "case_id" in view.options:
            sub.add_argument("case_id", help="the case (application) id")
        sub.add_argument("--json", action="store_true", help="print JSON for scripts")
        sub.set_defaults(handler=_show, view_spec=view)


def _store(settings: Settings) -> Any:
    """The live views, caught up first where the consumers run in this process."""
    backbone = open_backbone(System(settings))
    backbone.settle()
    return backbone.tower


def _show(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    view: View = arguments.view_spec
    document = view.compute(_store(settings), arguments)
    print(json.dumps(document, indent=2) if arguments.json else view.render(document))
    return 0


def _rebuild(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    codec = System(settings).codec
    bar = ProgressBar("rebuilding the tower's views", "events")
    report = rebuild_views(
        settings, codec=codec, progress=bar, swap=not arguments.no_swap, workers=arguments.workers
    )
    if arguments.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        state = "swapped in" if not arguments.no_swap else "built, not swapped in"
        print(
            f"generation {report.generation if not arguments.no_swap else report.replaced} {state} "
            f"(replaced generation {report.replaced}): {report.events} events read, {report.applied} "
            f"applied in {report.seconds:.1f} s ({report.events_per_second:,.0f} events/s)"
        )
    return 0


def _whatif(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    try:
        scenario = parse_scenario(arguments.capacity, arguments.inflow)
        document = whatif_view(
            _store(settings),
            _today(arguments),
            scenario,
            horizon=arguments.weeks,
            target=arguments.target,
            procedure=arguments.procedure,
        )
    except ScenarioError as error:
        raise UsageError(f"tower whatif: {error}") from error
    print(json.dumps(document, indent=2) if arguments.json else views_text.whatif_text(document))
    return 0


def _status(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    rows = _store(settings).workload()
    print(workload_json(rows, mode=settings.mode) if arguments.json else workload_table(rows))
    return 0
