"""``backbone tower rebuild`` while the tower keeps serving and commands keep coming: the rebuilt
generation is swapped in, the live process follows it, and nothing is lost or applied twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

from composition.embedded import EmbeddedBackbone
from composition.parts import build_tower_consumers
from services.control_tower.adapters.generations import ViewGenerations
from services.control_tower.adapters.live_views import build_tower_store
from services.control_tower.rebuild import rebuild_views
from simulation.plan import SimulationPlan
from simulation.samples import run_sample, sample_applications
from simulation.simulator import Simulator
from tests.api_access import signed_in_api
from tests.e2e.test_rebuild import every_view
from tests.factories import embedded_settings, simulation_clock

SIX_WEEKS = SimulationPlan(starts_on=date(2026, 3, 2), weeks=6, scale=0.04, seed=9)
TWO_WEEKS = SimulationPlan(starts_on=date(2026, 3, 2), weeks=2, scale=0.016, seed=3)


def test_a_rebuild_is_swapped_in_while_the_views_keep_serving(tmp_path: Path) -> None:
    settings = embedded_settings(tmp_path)
    clock = simulation_clock(SIX_WEEKS)
    live = EmbeddedBackbone(settings, clock=clock)
    Simulator(live.intake, live.decision, clock, live.settle, SIX_WEEKS).run()
    api = signed_in_api(live.intake, live.decision, lambda: live.tower)
    assert live.live_views.generation == 1

    rebuild = subprocess.Popen(
        [sys.executable, "-m", "composition.cli.main", "tower", "rebuild", "--json"],
        env={**os.environ, "BACKBONE_MODE": "embedded", "BACKBONE_DATA_DIR": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    answers: list[int] = []
    more = iter(sample_applications(400, seed=21, today=clock.now().date()))
    submitted = 0
    while rebuild.poll() is None:  # the live views keep serving and filling while the rebuild runs
        run_sample(live.intake, next(more), accept=True, today=clock.now().date())
        submitted += 1
        live.settle()
        response = api.get("/v1/tower/workload")
        answers.append(response.status_code)
        assert response.status_code == 200 and response.json()
    out, err = rebuild.communicate()
    assert rebuild.returncode == 0, err[-3000:]
    report = json.loads(out)
    assert report["generation"] == 2 and report["replaced"] == 1
    assert report["events"] >= report["applied"] > 3000
    assert "rebuilding the tower's views" in err  # the progress bar
    assert submitted > 0 and set(answers) == {200}

    for _ in range(3):  # and after the swap
        run_sample(live.intake, next(more), accept=True, today=clock.now().date())
    live.live_views.follow_swap(now=True)
    live.settle()
    assert live.live_views.generation == 2
    assert ViewGenerations(settings).states() == {1: "retired", 2: "live"}

    # The swapped-in generation holds every event exactly once: as many as the logs hold, per type.
    logs = {
        "intake": live.intake.recorder,
        "decision": live.decision.recorder,
        "legacy_bridge": live.system.legacy_bridge.recorder,
    }
    stored = _events_per_type(logs)
    assert live.tower.event_counts() == stored
    # And its views are exactly those of the generation that was built live, once that catches up.
    old = build_tower_store(settings, 1)
    for consumer in build_tower_consumers(old, settings, codec=live.codec, logs=logs):
        consumer.run_until_caught_up()
    today = clock.now().date()
    assert every_view(live.tower, today) == every_view(old, today)
    assert api.get("/v1/tower/workload").json() == every_view(live.tower, today)["workload"]
    live.close()


def test_serving_threads_read_while_the_swap_happens(tmp_path: Path) -> None:
    """Readers on other threads (the API) never see an error across the swap."""
    settings = embedded_settings(tmp_path)
    clock = simulation_clock(TWO_WEEKS)
    live = EmbeddedBackbone(settings, clock=clock)
    Simulator(live.intake, live.decision, clock, live.settle, TWO_WEEKS).run()
    expected = every_view(live.tower, clock.now().date())["workload"]
    errors: list[BaseException] = []
    seen: list[Any] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                seen.append(live.tower.workload())
            except BaseException as error:
                errors.append(error)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    report = rebuild_views(settings, codec=live.codec)
    live.live_views.follow_swap(now=True)
    live.settle()
    stop.set()
    for reader in readers:
        reader.join()
    assert not errors and seen
    assert report.generation == 2 and live.live_views.generation == 2
    assert every_view(live.tower, clock.now().date())["workload"] == expected
    live.close()


def _events_per_type(logs: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for recorder in logs.values():
        for notification in recorder.select_notifications(start=1, limit=1_000_000):
            counts[notification.topic] = counts.get(notification.topic, 0) + 1
    return counts
