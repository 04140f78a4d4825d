"""``backbone recover SERVICE``: put a store restored from a backup level with its topic again.

Distributed mode. A store restored from a backup older than its topic (a disk lost, a schema restored
from a dump) is behind it: the relays, ``backbone run decision`` and the API refuse to record in it or
publish from it, and say so. This reads the service's topic from its beginning, puts every event the
store lost back under its notification id, moves events recorded after the restore past the topic's
tail, and moves the relay's and (for decision) the consumer's positions on, in one transaction; the
waiting processes then go on by themselves. Run it for each service whose store was restored (for the
whole database: intake, then decision). The control tower needs nothing: its positions came back with
its views and it reads on from there. ``--dry-run`` says what it would do and changes nothing.

Exit codes: 0 the store is level with its topic (recovered now, or nothing to do); 1 with --dry-run,
recovery is needed; 7 refused (events recorded after the restore clash with the topic's), or the
broker or the database cannot be reached.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from backbone.errors import ConfigurationError
from backbone.recovery import recover
from composition.cli.exit_codes import ExitCode
from composition.parts import DECISION, INTAKE, topic_name
from composition.system import System

# What each producing service consumes of the others: its positions there move with the recovery.
CONSUMES = {INTAKE: (), DECISION: (INTAKE,)}


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "recover",
        help="read the events a restored store lost back from its topic (distributed mode)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("service", choices=sorted(CONSUMES))
    parser.add_argument("--dry-run", action="store_true", help="say what would be done; change nothing")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=_recover)


def _recover(arguments: argparse.Namespace) -> int:
    system = System.for_command(arguments.service)
    if not system.runtime.publishes:
        raise ConfigurationError(
            "recover needs distributed mode (BACKBONE_MODE=distributed): embedded mode has no topic to "
            "read lost events back from; restore every store file from the same backup instead"
        )
    service = arguments.service
    application = system.intake if service == INTAKE else system.decision
    settings = system.settings_for(service)
    upstreams = {name: topic_name(name, system.settings_for(name)) for name in CONSUMES[service]}
    try:
        plan = recover(
            service,
            application.process_recorder,
            system.codec,
            settings,
            topic_name(service, settings),
            upstreams,
            apply=not arguments.dry_run,
        )
    finally:
        system.close()
    report = {**plan.summary(), "applied": plan.needed and not arguments.dry_run}
    if arguments.json:
        print(json.dumps(report, indent=2))
    elif not plan.needed:
        print(f"{service}'s store is level with {plan.topic}: nothing to recover")
    else:
        verb = "would put" if arguments.dry_run else "put"
        print(
            f"{service}: {verb} {report['recovered']} events of {report['cases_recovered']} cases back "
            f"from {plan.topic} (notifications {report['recovered_ids'][0]}-{report['recovered_ids'][1]}), "
            f"moved {report['moved_past_topic']} recorded after the restore past the topic's tail; "
            f"relay position {report['relay_position']}"
            + (
                f"; consumer positions {report['upstream_positions']}"
                if report["upstream_positions"]
                else ""
            )
        )
    return ExitCode.PROBLEMS_FOUND if plan.needed and arguments.dry_run else ExitCode.OK
