"""``backbone demo``: a year of IND work, simulated through the real commands, then the control tower.

Runs ``backbone simulate`` for the last 52 weeks up to this week at a small scale (so that it takes
under a minute here) in embedded mode, then serves the dashboard at http://HOST:PORT/tower, or with
--no-serve prints the tower's table of open cases by procedure and stage.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from backbone.identity.principal import Role
from backbone.logs import configure_logging
from backbone.settings import Settings
from composition.cli.serve_cmd import serve
from composition.cli.simulate_cmd import (
    add_plan_arguments,
    plan_from,
    planned_weeks,
    run_simulation,
    summary_table,
)
from composition.identity import development_issuer
from composition.simulated import EmbeddedServices
from services.control_tower.adapters.terminal.workload_table import workload_json, workload_table

DEMO_SCALE = 0.012  # about 2,300 applications a year: under a minute on 2 cores


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "demo",
        help="simulate a year of IND work (SQLite, no Kafka), then show the control tower",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_plan_arguments(parser, weeks=52, scale=DEMO_SCALE)
    parser.add_argument(
        "--data-dir", type=Path, help="keep the SQLite files here (default: a temporary folder)"
    )
    parser.add_argument(
        "--no-serve", action="store_true", help="print the tower's table instead of serving the dashboard"
    )
    parser.add_argument("--json", action="store_true", help="with --no-serve: print JSON")
    parser.add_argument("--host", default="127.0.0.1", help="dashboard address (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="dashboard port (8080)")
    parser.set_defaults(handler=run)


def sign_in_help(settings: Settings, address: str) -> str:
    """How to sign in to the demo: a link that carries a development token for the dashboard (in the
    URL's fragment, which the browser never sends to a server), and how to get tokens for the API."""
    issuer = development_issuer(settings)
    token = issuer.issue("demo.operations", [Role.OPERATIONS, Role.PLANNER], lifetime_seconds=8 * 3600)
    return (
        f"\nThe control tower, signed in as demo.operations (roles operations and planner) for 8 hours:"
        f"\n  {address}/tower#access_token={token}"
        f"\nThe API needs a token too; another role's, e.g.:"
        f"\n  BACKBONE_DATA_DIR={settings.data_dir} backbone token --role intake-officer"
        f'\n  curl -H "Authorization: Bearer $TOKEN" {address}/v1/tower/workload'
        f"\nThe API's documentation: {address}/v1/docs. Ctrl-C stops."
    )


def run(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env()
    # A demo prints a table; its per-command log lines only show when asked for.
    level = settings.log_level if "BACKBONE_LOG_LEVEL" in os.environ else "warning"
    configure_logging(settings.log_format, level)
    data_dir = arguments.data_dir or Path(tempfile.mkdtemp(prefix="backbone-demo-"))
    settings = settings.with_overrides(mode="embedded", data_dir=data_dir)
    this_week = datetime.now(UTC).date()
    plan = plan_from(arguments, this_week - timedelta(weeks=planned_weeks(arguments) - 1))
    try:
        services, simulated = run_simulation(settings, plan, label="simulating a year of IND work")
        assert isinstance(services, EmbeddedServices)  # the demo runs embedded
        rows = services.backbone.tower.workload()
        services.close()
        if arguments.no_serve:
            if arguments.json:
                print(workload_json(rows, **simulated.as_json()))
            else:
                print(summary_table(simulated, plan) + "\n")
                print("Control tower: open cases by procedure and stage\n")
                print(workload_table(rows))
            return 0
        print(summary_table(simulated, plan))
        print(sign_in_help(settings, f"http://{arguments.host}:{arguments.port}"))
        return serve(settings, arguments.host, arguments.port)
    finally:
        if arguments.data_dir is None:
            shutil.rmtree(data_dir, ignore_errors=True)
