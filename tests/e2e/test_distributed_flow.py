"""End to end, distributed: intake -> Kafka -> decision -> Kafka -> control tower, each service its own
process, PostgreSQL stores, topics of 3 partitions. The tower's table must match what was submitted."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from backbone.errors import NotFound
from backbone.settings import Settings
from composition.parts import build_decision, build_intake
from services.control_tower.adapters.live_views import build_tower_store
from simulation.samples import run_sample, sample_applications
from tests.e2e.scenarios import EXPECTED_WORKLOAD, gap_events, run_scenarios
from tests.factories import NOW, clock, codec

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
APPLICATIONS = 300


def environment(settings: Settings) -> dict[str, str]:
    return {**os.environ, **settings.as_environment(), "BACKBONE_LOG_FORMAT": "json"}


def backbone(*arguments: str, env: dict[str, str]) -> list[str]:
    return [sys.executable, "-m", "composition.cli.main", *arguments]


@pytest.fixture
def distributed(postgres_settings: Settings, kafka_available: str, tmp_path: Path) -> Iterator[Settings]:
    settings = postgres_settings.with_overrides(
        topic_prefix=f"e2e-{os.getpid()}-{int(time.time())}.", topic_partitions=3
    )
    env = environment(settings)
    created = subprocess.run(
        backbone("topics", "create", env=env),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    assert "created, 3 partitions" in created.stdout
    # Logs go to files: a pipe nobody reads fills up and blocks the service that writes to it.
    logs = {service: tmp_path / f"{service}.log" for service in ("intake", "decision", "tower")}
    processes = {
        service: subprocess.Popen(
            backbone("run", service, env=env), env=env, stderr=log.open("w"), text=True
        )
        for service, log in logs.items()
    }
    yield settings
    diagnose(logs)
    for process in processes.values():
        process.send_signal(signal.SIGTERM)
    for service, process in processes.items():
        process.wait(timeout=60)
        log = logs[service].read_text()
        assert process.returncode == 0, log[-3000:]
        assert '"event": "service_stopped"' in log


def diagnose(logs: dict[str, Path]) -> None:
    """Print what each service said (pytest shows it when a test fails)."""
    for service, log in logs.items():
        lines = [line for line in log.read_text().splitlines() if '"case_opened"' not in line]
        print(f"--- {service}.log ({log}):", *lines[-8:], sep="\n")


def test_submitted_applications_reach_the_tower_through_kafka(distributed: Settings) -> None:
    intake = build_intake(distributed, codec=codec(), clock=clock())
    rng = random.Random(11)
    expected: Counter[tuple[str, str]] = Counter()
    for application in sample_applications(APPLICATIONS, seed=11, today=NOW.date()):
        accept = rng.random() < 0.8
        run_sample(intake, application, accept=accept, today=NOW.date())
        expected[(application["procedure"], "in_decision" if accept else "in_intake")] += 1

    tower = build_tower_store(distributed)
    deadline = time.monotonic() + 120
    shown: dict[tuple[str, str], int] = {}
    while time.monotonic() < deadline:
        shown = {(r.procedure, r.stage): r.open_cases for r in tower.workload()}
        if shown == dict(expected):
            break
        time.sleep(0.25)
    assert shown == dict(expected)
    counts = tower.event_counts()
    accepted = sum(n for (_, stage), n in expected.items() if stage == "in_decision")
    naturalisations = sum(n for (p, _), n in expected.items() if p == "naturalisation")
    assert counts["nl.ind.intake.ApplicationSubmitted"] == APPLICATIONS
    assert counts["nl.ind.intake.FeePaid"] == naturalisations
    assert counts["nl.ind.intake.ApplicationAccepted"] == accepted
    assert counts["nl.ind.decision.CaseOpened"] == accepted
    # Every intake event was applied exactly once, whatever Kafka delivered.
    intake_events = sum(n for name, n in counts.items() if name.startswith("nl.ind.intake."))
    assert intake_events == len(intake.recorder.select_notifications(start=0, limit=100_000))
    streams = [f"{u}:p{p}" for u in ("intake", "decision") for p in range(3)]
    assert all(tower.max_tracking_id(s) is not None for s in streams), "a partition was never read"


def test_four_scripted_cases_end_in_the_right_stages_through_kafka(distributed: Settings) -> None:
    intake = build_intake(distributed, codec=codec(), clock=clock())
    decision = build_decision(distributed, codec=codec(), clock=clock())

    def wait_for_case(case_id: UUID) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                decision.get_case(case_id)
                return
            except NotFound:
                assert time.monotonic() < deadline, f"decision never opened case {case_id}"
                time.sleep(0.1)

    cases = run_scenarios(intake, decision, wait_for_case)
    tower = build_tower_store(distributed)
    deadline = time.monotonic() + 60
    shown: dict[tuple[str, str], int] = {}
    while shown != EXPECTED_WORKLOAD and time.monotonic() < deadline:
        time.sleep(0.25)
        shown = {(r.procedure, r.stage): r.open_cases for r in tower.workload()}
    assert shown == EXPECTED_WORKLOAD
    assert len(gap_events(intake, cases["renewal"])) == 1
