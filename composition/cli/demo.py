"""``backbone demo``: a year of IND work, simulated through the real commands, then the control tower.

Runs ``backbone simulate`` for the last 52 weeks up to this week at a small scale (so that it takes
under a minute here) in embedded mode, then serves the dashboard at http://HOST:PORT/tower, or with
--no-serve prints the tower's table of open cases by procedure and stage.

Study and highly skilled migrant applications are still the legacy case system's in the demo (its
routing table, written to the data directory): the simulator registers and works them in a stand-in of
the legacy tables and writes them out each night as an extract, which the legacy bridge imports as
``backbone legacy import-extract`` does; so the tower shows legacy and new cases together
(--no-legacy: the backbone owns every procedure).
"""

from __future__ import annotations

import argparse
import json
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
from composition.legacy_extract import legacy_open_cases
from composition.simulated import EmbeddedServices
from services.control_tower.adapters.terminal.workload_table import workload_json, workload_table

DEMO_LEGACY_PROCEDURES = ("study", "highly_skilled_migrant")
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
    parser.add_argument(
        "--no-legacy",
        action="store_true",
        help="no legacy share: the backbone owns every procedure (no routing table, no extracts)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="dashboard address (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="dashboard port (8080)")
    parser.set_defaults(handler=run)


def write_demo_routing(data_dir: Path) -> Path:
    """The demo's routing table: the legacy case system still owns these procedures."""
    path = data_dir / "routing.json"
    routes = [{"procedure": p, "system": "legacy", "cutover_on": None} for p in DEMO_LEGACY_PROCEDURES]
    path.write_text(json.dumps({"version": "demo.1", "routes": routes}, indent=2))
    return path


def legacy_line(legacy_cases: int) -> str:
    return (
        f"\nThe control tower shows {legacy_cases:,} open legacy cases "
        f"({', '.join(DEMO_LEGACY_PROCEDURES)}: worked in the legacy case system, imported from its "
        "nightly extracts; `backbone tower workload --group-by system` splits them)"
        if legacy_cases
        else "\nThe control tower shows no legacy cases."
    )


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
    if not arguments.no_legacy:
        settings = settings.with_overrides(routing_file=write_demo_routing(data_dir))
    this_week = datetime.now(UTC).date()
    plan = plan_from(arguments, this_week - timedelta(weeks=planned_weeks(arguments) - 1))
    try:
        services, simulated = run_simulation(settings, plan, label="simulating a year of IND work")
        assert isinstance(services, EmbeddedServices)  # the demo runs embedded
        rows = services.backbone.tower.workload()
        legacy_cases = legacy_open_cases(services.backbone.tower)
        services.close()
        if arguments.no_serve:
            if arguments.json:
                print(workload_json(rows, **simulated.as_json(), legacy_open_cases=legacy_cases))
            else:
                print(summary_table(simulated, plan) + "\n")
                print("Control tower: open cases by procedure and stage\n")
                print(workload_table(rows))
                print(legacy_line(legacy_cases))
            return 0
        print(summary_table(simulated, plan))
        print(legacy_line(legacy_cases))
        print(sign_in_help(settings, f"http://{arguments.host}:{arguments.port}"))
        return serve(settings, arguments.host, arguments.port)
    finally:
        if arguments.data_dir is None:
            shutil.rmtree(data_dir, ignore_errors=True)
