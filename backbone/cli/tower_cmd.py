"""``backbone tower``: the control tower's views in the terminal."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from backbone.cli.embedded import EmbeddedBackbone
from backbone.cli.render import workload_json, workload_table
from backbone.clock import SystemClock
from backbone.logs import configure_logging
from backbone.settings import Settings
from services.control_tower.bootstrap import build_workload_store
from services.control_tower.projections.case_clocks import risk_summary


def register(commands: Any) -> None:
    parser = commands.add_parser("tower", help="the control tower (verkeerstoren) views")
    views = parser.add_subparsers(dest="view", required=True, metavar="VIEW")
    status = views.add_parser(
        "status",
        help="open cases by procedure and stage",
        description="In embedded mode the consumers first catch up with intake and decision.",
    )
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    status.set_defaults(handler=_status)
    risk = views.add_parser(
        "risk",
        help="open cases against their statutory deadlines; notices of default; penalty exposure",
        description="Buckets open, undecided cases by days to their statutory deadline (overdue, under 7 "
        "days, under 30 days, later), counts notices of default and sums the dwangsom exposure in euros "
        "(EUR 23/35/45 a day after a two-week grace, at most EUR 1,442 a case, never for asylum), today "
        "and four weeks ahead if nothing is decided.",
    )
    risk.add_argument("--today", type=date.fromisoformat, help="the day to read the clocks on (YYYY-MM-DD)")
    risk.add_argument("--json", action="store_true", help="print JSON for scripts")
    risk.set_defaults(handler=_risk)


def _store(settings: Settings) -> Any:
    if settings.mode == "embedded":
        backbone = EmbeddedBackbone(settings)
        backbone.settle()
        return backbone.tower
    return build_workload_store(settings)


def _risk(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    today = arguments.today or SystemClock().now().date()
    summary = risk_summary(_store(settings).open_clocks(), today)
    document = {
        "today": str(today),
        "buckets": summary.buckets,
        "notices_of_default": summary.notices_of_default,
        "exposure_eur": {"today": summary.exposure_today, "in_4_weeks": summary.exposure_in_4_weeks},
        "longest_overdue": [
            {"case_id": case, "procedure": procedure, "days_overdue": days}
            for case, procedure, days in summary.longest_overdue
        ],
    }
    if arguments.json:
        print(json.dumps(document, indent=2))
        return 0
    print(f"Deadline risk on {today}: open, undecided cases")
    for name, count in summary.buckets.items():
        print(f"  {name.replace('_', ' '):<16} {count:>7}")
    print(f"Notices of default: {summary.notices_of_default}")
    print(
        f"Penalty exposure: EUR {summary.exposure_today:,} today, "
        f"EUR {summary.exposure_in_4_weeks:,} in 4 weeks if nothing is decided"
    )
    return 0


def _status(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    if settings.mode == "embedded":
        backbone = EmbeddedBackbone(settings)
        backbone.settle()
        rows = backbone.tower.workload()
        backbone.close()
    else:
        rows = build_workload_store(settings).workload()
    print(workload_json(rows, mode=settings.mode) if arguments.json else workload_table(rows))
    return 0
