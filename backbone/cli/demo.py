"""``backbone demo``: a batch of sample applications through intake and decision, in embedded mode."""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from backbone.cli.embedded import EmbeddedBackbone
from backbone.cli.progress import ProgressBar
from backbone.cli.render import workload_json, workload_table
from backbone.clock import ManualClock
from backbone.logs import configure_logging
from backbone.settings import Settings
from services.intake.samples import run_sample, sample_applications
from simulation.history import generate_history


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "demo",
        help="run sample applications through intake, decision and the control tower (SQLite, no Kafka)",
        description=(
            "Submits a seeded batch of sample applications to intake, accepts most of them, lets "
            "decision open a case for each accepted one, and prints the control tower's table of "
            "open cases by procedure and stage. Embedded mode: SQLite files, no Kafka."
        ),
    )
    parser.add_argument("--applications", type=int, default=300, help="how many (default 300)")
    parser.add_argument("--accept-share", type=float, default=0.85, help="share accepted (0.85)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--data-dir", type=Path, help="keep the SQLite files here (default: a temporary folder)"
    )
    parser.add_argument(
        "--weeks",
        type=int,
        default=0,
        help="instead: generate this many weeks of intake and decision work (a seeded history, with a "
        "progress bar), then show the tower",
    )
    parser.add_argument("--per-week", type=int, default=100, help="applications a week with --weeks (100)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env()
    # A demo prints a table; its per-application log lines only show when asked for.
    level = settings.log_level if "BACKBONE_LOG_LEVEL" in os.environ else "warning"
    configure_logging(settings.log_format, level)
    data_dir = arguments.data_dir or Path(tempfile.mkdtemp(prefix="backbone-demo-"))
    settings = settings.with_overrides(mode="embedded", data_dir=data_dir)
    started = time.perf_counter()
    clock = ManualClock(datetime.now(UTC) - timedelta(weeks=arguments.weeks))
    backbone = EmbeddedBackbone(settings, clock=clock)
    try:
        if arguments.weeks:
            generate_history(
                backbone.intake,
                backbone.decision,
                clock,
                backbone.settle,
                weeks=arguments.weeks,
                applications_per_week=arguments.per_week,
                seed=arguments.seed,
                progress=ProgressBar("history", "weeks"),
            )
            arguments.applications = arguments.weeks * arguments.per_week
        else:
            rng = random.Random(arguments.seed)
            today = clock.now().date()
            for application in sample_applications(
                arguments.applications, seed=arguments.seed, today=today
            ):
                accept = rng.random() < arguments.accept_share
                run_sample(backbone.intake, application, accept=accept, today=today)
        backbone.settle()
        rows = backbone.tower.workload()
    finally:
        backbone.close()
        if arguments.data_dir is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    elapsed = time.perf_counter() - started
    if arguments.json:
        print(workload_json(rows, applications=arguments.applications, seconds=round(elapsed, 2)))
    else:
        print(
            f"Control tower: open cases by procedure and stage ({arguments.applications} sample "
            f"applications, {elapsed:.1f} s, embedded mode)\n"
        )
        print(workload_table(rows))
    return 0
