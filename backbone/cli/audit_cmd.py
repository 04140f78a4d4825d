"""``backbone audit``: checks an auditor runs on the recorded histories.

verify    every case's history whole and unaltered: each stored event decodes under its schema and
          names the case and version it is stored under, versions follow on without a gap, and (in
          distributed mode) the store and the topic hold the same events, byte for byte, case by case.
          Exit code 0 when everything checks, 1 when something does not (the findings name the case,
          the version and the copy).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from backbone.cli.progress import ProgressBar
from backbone.codec import AvroCodec
from backbone.logs import configure_logging
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from services.audit.verify import VerifyReport, verify


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "audit",
        help="an auditor's checks of the recorded histories",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser(
        "verify",
        help="check that every case's history is whole and unaltered (store against topic)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(handler=_verify)


def _verify(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env()
    level = settings.log_level if "BACKBONE_LOG_LEVEL" in os.environ else "warning"
    configure_logging(settings.log_format, level)
    report = verify(settings, AvroCodec(SchemaCatalog.load()), ProgressBar)
    print(json.dumps(report.as_json(), indent=2) if arguments.json else summary(report))
    return 0 if report.verified else 1


def summary(report: VerifyReport) -> str:
    verdict = "verified" if report.verified else "NOT VERIFIED"
    cases = sum(s.cases for s in report.services)
    lines = [
        f"{verdict}: {report.events:,} events of {cases:,} cases checked in {report.seconds:.1f} s "
        f"({report.mode})"
    ]
    for s in report.services:
        topic = (
            f"; topic {s.topic_events:,} events, {s.topic_repeated:,} republished" if s.topic_events else ""
        )
        lines.append(
            f"  {s.service}: store {s.store_events:,} events up to #{s.verified_up_to:,} "
            f"({s.not_yet_published:,} newer, not compared yet){topic}"
        )
    if report.findings.count:
        lines.append(f"{report.findings.count:,} findings; the first:")
        lines += [
            f"  {f.where}: case {f.case_id} version {f.version}: {f.problem}"
            for f in report.findings.listed
        ]
    return "\n".join(lines)
