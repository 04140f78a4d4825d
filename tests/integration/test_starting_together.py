"""Every process starts in any order and at the same moment: on a new, empty database, processes that
each build the stores they use at once create every schema and table exactly once, and none of them dies
of another's concurrent CREATE (issue 14: `backbone serve` died of a UniqueViolation on pg_type)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from backbone.settings import Settings

pytestmark = pytest.mark.postgres
PROCESSES = 6
START_ONE = """
import sys, time
from composition.system import System
from backbone.settings import Settings
start_at = float(sys.argv[1])
system = System(Settings.from_env())
time.sleep(max(0.0, start_at - time.time()))  # all of them at the same moment
system.intake, system.decision, system.live_views().current()
system.close()
"""


def test_processes_started_together_on_an_empty_database_all_come_up(postgres_settings: Settings) -> None:
    environment = {**os.environ, **postgres_settings.as_environment(), "BACKBONE_LOG_LEVEL": "warning"}
    start_at = time.time() + 4  # after every interpreter has imported what it needs
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", START_ONE, str(start_at)],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    failures = []
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        if process.returncode != 0:
            failures.append(stderr.strip().splitlines()[-1] if stderr.strip() else process.returncode)
    assert failures == [], f"{len(failures)} of {PROCESSES} processes died: {failures}"
