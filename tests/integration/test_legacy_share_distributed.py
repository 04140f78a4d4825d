"""The simulator's legacy share in distributed mode, on the real PostgreSQL, Debezium and Kafka: with a
routing table that gives study to the legacy case system, ``backbone simulate`` registers and works
those applications in the legacy database (intake gets none of them), Debezium captures what the
caseworkers do, the bridge translates it, the tower shows it, and ``backbone legacy reconcile`` finds
no unexplained difference."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backbone.stores import upstream_recorder
from composition.legacy_parts import start_legacy_capture
from composition.legacy_reconcile import reconcile_legacy, tower_behind
from composition.system import System
from tests.integration.legacy_world import (
    WAIT_SECONDS,
    LegacyWorld,
    legacy_rows,
    run_bridge_until,
    translated_as_in,
)

pytestmark = [pytest.mark.postgres, pytest.mark.kafka, pytest.mark.kafka_connect]
PLAN = ("--from", "2024-09-02", "--weeks", "3", "--scale", "0.01", "--json")
ROUTING = {"version": "test.1", "routes": [{"procedure": "study", "system": "legacy", "cutover_on": None}]}


def test_a_distributed_simulation_works_the_legacy_share_in_the_legacy_database(
    legacy_world: LegacyWorld, tmp_path: Path
) -> None:
    routing = tmp_path / "routing.json"
    routing.write_text(json.dumps(ROUTING))
    settings = legacy_world.settings.with_overrides(data_dir=tmp_path, routing_file=routing)
    start_legacy_capture(settings, legacy_world.capture)  # streaming from the first registration

    environment = {**os.environ, **settings.as_environment(), "BACKBONE_LOG_FORMAT": "json"}
    done = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", "simulate", *PLAN],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout)
    assert summary["legacy_registered"] > 5 and summary["applications"] > 50

    # Study went to the legacy database, and only there.
    cases, history = legacy_rows(settings)
    assert cases and {row["zaaktype"] for row in cases.values()} == {"STUDIE"}
    assert len(cases) <= summary["legacy_registered"]  # a few registered in error were deleted
    assert any(row["status"] != "ONTV" for row in cases.values())  # and the cases were worked
    submitted = [
        n
        for n in upstream_recorder("intake", settings).select_notifications(start=1, limit=10**7)
        if n.topic == "nl.ind.intake.ApplicationSubmitted"
    ]
    assert len(submitted) == summary["applications"] - summary["legacy_registered"] > 0
    assert all(b'"study"' not in n.state for n in submitted)

    system = System(settings)
    try:
        bridge = system.legacy_bridge
        consumer = system.legacy_consumer(group_id=f"{settings.topic_prefix}legacy_bridge")
        run_bridge_until(system, consumer, lambda: translated_as_in(bridge, cases, history))
        live = system.live_views(consuming=True, group_id=f"{settings.topic_prefix}control_tower")
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            for tower_consumer in live.consumers:
                tower_consumer.step(timeout=0.2)
            behind = tower_behind(settings, live.current())
            if behind and not any(behind.values()):
                break
            assert time.monotonic() < deadline, f"the tower did not catch up with the bridge: {behind}"
        found = reconcile_legacy(system.settings_for("control_tower"), live.current, system.clock)
        assert found.caught_up and found.unexplained == [], found.unexplained[:5]
        assert found.compared == len(cases)  # study can be extended: no refusals expected
    finally:
        system.close()
