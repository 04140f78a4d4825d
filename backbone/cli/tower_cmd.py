"""``backbone tower``: the control tower's views in the terminal."""

from __future__ import annotations

import argparse
from typing import Any

from backbone.cli.embedded import EmbeddedBackbone
from backbone.cli.render import workload_json, workload_table
from backbone.logs import configure_logging
from backbone.settings import Settings
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
