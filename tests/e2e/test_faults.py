"""The fault suite at its small size (issue 14): 200 applications through the HTTP API in 60 s while
intake's relay, decision (twice), the tower's process (twice), the API and a rebuild are SIGKILLed, the
broker is SIGKILLed and started again, PostgreSQL stopped in immediate mode and started again, and the
broker frozen for 6 s; on a PostgreSQL server and a Kafka broker of the suite's own (free ports, fresh
state directories), so the shared ones are never touched. Afterwards every answered request is stored
and became a case, nothing is applied twice, the tower equals a full rebuild and the audit is clean."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from bench.fault_infra import KAFKA_SCRIPT, missing_infra
from bench.fault_run import RunConfig
from bench.faults import run

APPLICATIONS = 200
KAFKA_LIBS = Path(os.environ.get("KAFKA_LIBS_DIR") or KAFKA_SCRIPT.parent / ".libs")


def test_killed_processes_and_restarted_servers_lose_nothing_and_apply_nothing_twice() -> None:
    if missing := missing_infra(KAFKA_LIBS):
        pytest.fail("the fault suite starts servers of its own and cannot: " + "; ".join(missing))
    config = RunConfig(
        applications=APPLICATIONS, duration=60, rounds=1, seed=14, block_seconds=6, kafka_libs=KAFKA_LIBS
    )
    report = run(config)
    shown = json.dumps({k: v for k, v in report.items() if k != "timeline"}, indent=1)[:6000]

    assert report["checks"] == dict.fromkeys(report["checks"], True), shown
    assert report["events_lost"] == 0 and report["events_duplicated"] == 0, shown
    assert report["applications"]["accepted"] == APPLICATIONS, shown
    assert report["applications"]["http_errors_after_retries"] == 0, shown
    assert report["stores"]["cases_in_decision"] == APPLICATIONS + 1, shown  # and the warm-up's
    assert all(kills >= 1 for kills in report["kills_survived"].values()), shown
    assert report["kills_survived"]["decision"] + report["kills_survived"]["tower"] >= 4, shown
    assert report["broker_restarts"] == 1 and report["postgres_restarts"] == 1, shown
    assert report["broker_blocked_seconds"] == 6, shown
    (broker_restart,) = [fault for fault in report["timeline"] if fault["kind"] == "broker_restart"]
    assert 10 < broker_restart["at"] < 50, shown  # in the middle of the load
    assert report["stalls"]["longest_wait_for_a_case_seconds"] < 60, shown
    assert report["tower_equals_rebuild"]["equal"] and report["audit"]["exit_code"] == 0, shown
    shutil.rmtree(report["run_dir"], ignore_errors=True)  # kept when an assertion fails: the logs
