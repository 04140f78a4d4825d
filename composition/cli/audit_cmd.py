"""``backbone audit``: checks an auditor runs on the recorded histories.

verify    every case's history whole and unaltered: each stored event decodes under its schema and
          names the case and version it is stored under, versions follow on without a gap, and (in
          distributed mode) the store and the topic hold the same events, byte for byte, case by case.
          Exit code 0 when everything checks, 1 when something does not (the findings name the case,
          the version and the copy).
case      one case's recorded history replayed from the stores, intake's and decision's: each event
          with its version, type, times, correlation and causation ids and its fields, each checked
          as verify checks it, and the case's digest chain per store. ``--json`` for machines. Exit
          code 0 when the history checks, 1 when it does not, 6 when the case has no events.
export    every recorded event as a process-mining event log, CSV: case_id, activity, timestamp
          (occurred), recorded_at, service, version, event_type, correlation_id, causation_id. One
          trace per case from submission to decision; only the events' metadata (pseudonymous ids,
          types, times), nothing from their bodies. ``--out FILE`` (default: standard output);
          ``--json`` prints a summary (rows and cases per service, activities).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from backbone.errors import NotFound
from backbone.logs import configure_logging
from backbone.settings import Settings
from composition.cli.access_purpose import add_purpose_argument, command_line_look
from composition.cli.exit_codes import ExitCode
from composition.cli.failures import UsageError
from composition.cli.progress import ProgressBar
from composition.system import System
from services.audit.export import export_event_log
from services.audit.replay import CaseHistory, replay_case
from services.audit.verify import VerifyReport, verify


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "audit",
        help="an auditor's checks of the recorded histories",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = _action(actions, "verify", "check that every case's history is whole and unaltered", _verify)
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    case = _action(actions, "case", "replay one case's recorded history, checked, with its chains", _case)
    case.add_argument("case_id", type=_case_id, help="the case's id (the application id), a UUID")
    case.add_argument("--json", action="store_true", help="print the history as JSON")
    add_purpose_argument(case)
    looks = _action(
        actions, "access-log", "who read personal data or looked at a case, when, and why", _access_log
    )
    looks.add_argument("--case-id", type=_case_id, help="only looks at this case (or application)")
    looks.add_argument("--applicant-ref", help="only reads of this applicant's personal data (P-...)")
    looks.add_argument("--limit", type=int, default=1000, help="the latest this many (1000)")
    looks.add_argument("--json", action="store_true", help="print the entries as JSON")
    export = _action(actions, "export", "every event as a process-mining event log (CSV)", _export)
    export.add_argument("--out", type=Path, help="the CSV file to write (default: standard output)")
    export.add_argument("--json", action="store_true", help="print a summary as JSON (needs --out)")


def _action(actions: Any, name: str, help: str, handler: Callable[[argparse.Namespace], int]) -> Any:
    action = actions.add_parser(
        name, help=help, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    action.set_defaults(handler=handler)
    return action


def _settings() -> Settings:
    """The settings from the environment, with logs quiet unless BACKBONE_LOG_LEVEL asks otherwise."""
    settings = Settings.from_env()
    level = settings.log_level if "BACKBONE_LOG_LEVEL" in os.environ else "warning"
    configure_logging(settings.log_format, level)
    return settings


def _verify(arguments: argparse.Namespace) -> int:
    settings = _settings()
    report = verify(settings, System(settings).codec, ProgressBar)
    print(json.dumps(report.as_json(), indent=2) if arguments.json else summary(report))
    return ExitCode.OK if report.verified else ExitCode.PROBLEMS_FOUND


def _case_id(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"case_id: {text!r} is not a UUID") from None


def _case(arguments: argparse.Namespace) -> int:
    settings = _settings()
    system = System(settings)
    # Recorded before the history is shown: if the look cannot be recorded, nothing is shown.
    system.access_log.case_inspected(
        command_line_look("auditor", arguments.purpose), arguments.case_id, "replay"
    )
    history = replay_case(settings, system.codec, arguments.case_id)
    if not history.events and history.verified:
        raise NotFound("case", arguments.case_id)
    print(json.dumps(history.as_json(), indent=2) if arguments.json else case_text(history))
    return ExitCode.OK if history.verified else ExitCode.PROBLEMS_FOUND


def _access_log(arguments: argparse.Namespace) -> int:
    settings = _settings()
    entries = System(settings).access_log.entries(
        case_id=arguments.case_id, applicant_ref=arguments.applicant_ref, limit=arguments.limit
    )
    if arguments.json:
        print(json.dumps([entry.as_json() for entry in entries], indent=2))
        return 0
    for e in entries:
        who = f"{e.accessor['username']} ({e.accessor['role']}, {e.accessor['channel']})"
        print(f"{e.occurred_at.isoformat()}  {e.kind:<18} {e.case_id}  {who}  purpose={e.purpose}")
    print(f"{len(entries)} looks")
    return 0


def case_text(history: CaseHistory) -> str:
    verdict = "verified" if history.verified else "NOT VERIFIED"
    lines = [f"case {history.case_id}: {len(history.events)} events, {verdict}"]
    for e in history.events:
        fields = ", ".join(f"{k}={v}" for k, v in e.fields.items() if v not in (None, [], {}))
        lines.append(f"  {e.occurred_at}  {e.service:<8} v{e.version:<3} {e.event_type}  {fields}")
    lines += [f"  {service} chain: {digest}" for service, digest in history.chains.items()]
    lines += [f"  {f.where}: version {f.version}: {f.problem}" for f in history.findings.listed]
    return "\n".join(lines)


def _export(arguments: argparse.Namespace) -> int:
    if arguments.json and arguments.out is None:
        raise UsageError("audit export: --json needs --out (the CSV goes to standard output)")
    settings = _settings()
    if arguments.out is None:
        export_event_log(settings, sys.stdout, ProgressBar)
        return 0
    partial = arguments.out.with_name(arguments.out.name + ".partial")
    try:
        with partial.open("w", newline="", encoding="utf-8") as out:
            report = export_event_log(settings, out, ProgressBar)
    except BaseException:  # interrupted or failed: no half log, at either name
        partial.unlink(missing_ok=True)
        raise
    partial.replace(arguments.out)
    if arguments.json:
        print(json.dumps({"out": str(arguments.out), **report.as_json()}, indent=2))
    else:
        services = ", ".join(f"{n:,} from {service}" for service, n in report.per_service.items())
        print(f"{report.rows:,} events ({services}) written to {arguments.out} in {report.seconds:.1f} s")
    return 0


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
