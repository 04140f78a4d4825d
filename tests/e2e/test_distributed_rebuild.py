"""``backbone tower rebuild`` in distributed mode: two worker processes read both Kafka topics from the
beginning to their end offsets at the start (sharing the partitions by number) into a new PostgreSQL
schema while the tower process keeps filling the live views; after the swap the tower process follows,
and every event is in the views exactly once."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from backbone.settings import Settings
from composition.parts import build_decision, build_intake
from services.control_tower.adapters.generations import ViewGenerations
from services.control_tower.adapters.live_views import build_tower_store
from simulation.samples import run_sample, sample_applications
from tests.e2e.test_distributed_flow import backbone, distributed, environment
from tests.factories import NOW, clock, codec

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
__all__ = ["distributed"]  # the fixture: services as processes on Kafka and PostgreSQL


def _events_per_type(recorders: list[object]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for recorder in recorders:
        for notification in recorder.select_notifications(start=1, limit=1_000_000):  # type: ignore[attr-defined]
            counts[notification.topic] = counts.get(notification.topic, 0) + 1
    return counts


def _wait_until(condition: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.25)


def test_a_rebuild_through_kafka_is_swapped_in_and_followed(distributed: Settings, tmp_path: Path) -> None:
    intake = build_intake(distributed, codec=codec(), clock=clock())
    decision = build_decision(distributed, codec=codec(), clock=clock())
    applications = iter(sample_applications(3000, seed=5, today=NOW.date()))
    for _ in range(150):
        run_sample(intake, next(applications), accept=True, today=NOW.date())
    first = build_tower_store(distributed)
    _wait_until(
        lambda: first.event_counts().get("nl.ind.decision.CaseOpened") == 150,
        120,
        "the live tower never caught up",
    )

    env = {**environment(distributed), "BACKBONE_DATA_DIR": str(tmp_path)}
    rebuild = subprocess.Popen(
        backbone("tower", "rebuild", "--json", "--workers", "2", env=env),
        env=env,
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "rebuild.log").open("w"),
        text=True,
    )
    submitted_during = 0
    while rebuild.poll() is None:  # commands keep coming; the live tower keeps applying them
        run_sample(intake, next(applications), accept=True, today=NOW.date())
        submitted_during += 1
    out, _ = rebuild.communicate(timeout=300)
    assert rebuild.returncode == 0, (tmp_path / "rebuild.log").read_text()[-3000:]
    report = json.loads(out)
    assert report["generation"] == 2 and report["replaced"] == 1
    assert report["applied"] >= 300  # 150 cases, 2+ events each, from both topics
    assert "rebuilding the tower's views" in (tmp_path / "rebuild.log").read_text()
    assert report["workers"] == 2  # two processes, each folding its share of the partitions

    for _ in range(20):  # after the swap
        run_sample(intake, next(applications), accept=True, today=NOW.date())
    total = 170 + submitted_during
    assert ViewGenerations(distributed).states() == {1: "retired", 2: "live"}
    swapped = build_tower_store(distributed)  # the live generation: 2
    _wait_until(
        lambda: swapped.event_counts().get("nl.ind.decision.CaseOpened") == total,
        120,
        "the tower process did not follow the swap",
    )
    expected = _events_per_type([intake.recorder, decision.recorder])
    _wait_until(lambda: swapped.event_counts() == expected, 60, "events missing or applied twice")
    tower_log = (tmp_path / "tower.log").read_text()
    assert '"event": "tower_views_swapped"' in tower_log and '"generation": 2' in tower_log
    assert sum(r.open_cases for r in swapped.workload()) == total
