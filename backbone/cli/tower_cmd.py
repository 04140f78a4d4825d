"""``backbone tower``: the control tower's views in the terminal."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from typing import Any

from backbone.cli.embedded import EmbeddedBackbone
from backbone.cli.render import workload_json, workload_table
from backbone.clock import SystemClock
from backbone.logs import configure_logging
from backbone.settings import Settings
from services.control_tower.application.views import (
    aging_view,
    deadline_risk_view,
    freshness_view,
    issuance_view,
    lead_times_view,
    throughput_view,
)
from services.control_tower.bootstrap import build_workload_store


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
    throughput = views.add_parser(
        "throughput",
        help="inflow (accepted) and outflow (decided) per ISO week and procedure; 4-week rates",
    )
    throughput.add_argument("--weeks", type=int, default=12, help="how many weeks back (12)")
    throughput.add_argument("--today", type=date.fromisoformat, help="the last day to include (YYYY-MM-DD)")
    throughput.add_argument("--json", action="store_true", help="print JSON for scripts")
    throughput.set_defaults(handler=_throughput)
    lead = views.add_parser(
        "lead-times", help="received -> decided in days: p50 / p90 / p95 per procedure and track"
    )
    lead.add_argument("--json", action="store_true", help="print JSON for scripts")
    lead.set_defaults(handler=_lead_times)
    aging = views.add_parser(
        "aging", help="open cases by age band; the longest waiting; waiting on the applicant"
    )
    aging.add_argument("--today", type=date.fromisoformat, help="the day to count from (YYYY-MM-DD)")
    aging.add_argument("--json", action="store_true", help="print JSON for scripts")
    aging.set_defaults(handler=_aging)
    issuance = views.add_parser(
        "issuance", help="residence documents ready and waiting, per channel, with their age"
    )
    issuance.add_argument("--today", type=date.fromisoformat, help="the day to count from (YYYY-MM-DD)")
    issuance.add_argument("--json", action="store_true", help="print JSON for scripts")
    issuance.set_defaults(handler=_issuance)
    freshness = views.add_parser(
        "freshness", help="per feed: how far the tower is behind (events and seconds)"
    )
    freshness.add_argument("--json", action="store_true", help="print JSON for scripts")
    freshness.set_defaults(handler=_freshness)


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
    document = deadline_risk_view(_store(settings), today)
    if arguments.json:
        print(json.dumps(document, indent=2))
        return 0
    print(f"Deadline risk on {today}: open, undecided cases")
    for name, count in document["buckets"].items():
        print(f"  {name.replace('_', ' '):<16} {count:>7}")
    exposure = document["exposure_eur"]
    print(f"Notices of default: {document['notices_of_default']}")
    print(
        f"Penalty exposure: EUR {exposure['today']:,} today, "
        f"EUR {exposure['in_4_weeks']:,} in 4 weeks if nothing is decided"
    )
    return 0


def _throughput(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    today = arguments.today or SystemClock().now().date()
    document = throughput_view(_store(settings), today, arguments.weeks)
    if arguments.json:
        print(json.dumps(document, indent=2))
        return 0
    print(f"{'week':<9} {'procedure':<24} {'inflow':>7} {'outflow':>8} {'net':>6}")
    for f in document["weeks"]:
        if f["inflow"] or f["outflow"]:
            print(f"{f['week']:<9} {f['procedure']:<24} {f['inflow']:>7} {f['outflow']:>8} {f['net']:>+6}")
    print("\n4-week average per week:")
    for procedure, rate in document["rolling_4_weeks"].items():
        print(f"  {procedure:<24} in {rate['inflow']:7.1f}  out {rate['outflow']:7.1f}")
    return 0


def _lead_times(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    rows = lead_times_view(_store(settings))
    if arguments.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'procedure':<24} {'track':<13} {'decided':>7} {'p50':>5} {'p90':>5} {'p95':>5}  (days)")
    for t in rows:
        print(
            f"{t['procedure']:<24} {t['track'] or '-':<13} {t['decided']:>7} "
            f"{t['p50_days']:>5} {t['p90_days']:>5} {t['p95_days']:>5}"
        )
    return 0


def _aging(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    document = aging_view(_store(settings), arguments.today or SystemClock().now().date())
    if arguments.json:
        print(json.dumps(document, indent=2))
        return 0
    print(f"Open cases by age on {document['today']}:")
    for band, count in document["age_bands"].items():
        print(f"  {band.replace('_', ' '):<18} {count:>7}")
    print(f"Waiting on the applicant: {document['waiting_on_applicant']}")
    for row in document["longest_waiting"]:
        print(f"  {row['case_id']}  {row['procedure']:<24} {row['days_since_receipt']:>5} days")
    return 0


def _issuance(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    rows = issuance_view(_store(settings), arguments.today or SystemClock().now().date())
    if arguments.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'channel':<14} {'waiting':>7} {'oldest':>7} {'mean':>6}  (days)")
    for row in rows:
        print(f"{row['channel']:<14} {row['waiting']:>7} {row['oldest_days']:>7} {row['mean_days']:>6}")
    return 0


def _freshness(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    rows = freshness_view(_store(settings), datetime.now(UTC))
    if arguments.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(
        f"{'stream':<14} {'position':>9} {'events behind':>14} {'seconds behind':>15} "
        f"{'last latency s':>15}"
    )
    for r in rows:
        behind = "?" if r["events_behind"] is None else r["events_behind"]
        print(
            f"{r['stream']:<14} {r['position']:>9} {behind:>14} {r['seconds_behind']:>15} "
            f"{r['last_latency_seconds']:>15}"
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
