"""``backbone topics``: create the declared topics on the broker (never rely on auto-creation)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from backbone.kafka_clients import make_admin
from backbone.logs import configure_logging
from backbone.settings import Settings
from backbone.topics import ensure_topics
from composition.cli.exit_codes import ExitCode
from services.topics import declared_topics


def register(commands: Any) -> None:
    parser = commands.add_parser("topics", help="the Kafka topics declared in services/topics.py")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create missing topics; report mismatches")
    create.add_argument("--partitions", type=int, help="partitions per topic (BACKBONE_TOPIC_PARTITIONS)")
    create.add_argument("--json", action="store_true", help="print JSON")
    create.set_defaults(handler=_create)
    listing = actions.add_parser("list", help="print the declared topics")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)


def _specs(arguments: argparse.Namespace, settings: Settings) -> Any:
    return declared_topics(
        getattr(arguments, "partitions", None) or settings.topic_partitions,
        prefix=settings.topic_prefix,
    )


def _create(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env()
    configure_logging(settings.log_format, settings.log_level)
    admin = make_admin(settings)
    try:
        reports = ensure_topics(admin, _specs(arguments, settings))
    finally:
        admin.close()
    if arguments.json:
        print(json.dumps([r.__dict__ for r in reports], indent=2))
    else:
        for r in reports:
            print(f"{r.name}: {r.action}, {r.partitions} partitions {r.detail}".rstrip())
    return ExitCode.PROBLEMS_FOUND if any(r.action == "mismatch" for r in reports) else ExitCode.OK


def _list(arguments: argparse.Namespace) -> int:
    specs = _specs(arguments, Settings.from_env())
    if arguments.json:
        print(json.dumps([s.__dict__ for s in specs], indent=2))
    else:
        for s in specs:
            print(
                f"{s.name}  producer={s.producer} partitions={s.partitions} "
                f"retention_ms={s.retention_ms}  {s.description}"
            )
    return 0
