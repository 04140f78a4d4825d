"""A cutover end to end on the real PostgreSQL, Kafka Connect (Debezium) and Kafka: caseworkers work the
legacy database, the bridge translates it, and `backbone legacy cutover` moves the in-flight cases of one
procedure to the backbone. The real command is killed with SIGKILL mid-way and run again: every
in-flight case is moved exactly once. Then a legacy write to a moved case is a conflict, and the control
tower, fed from the topics, shows the moved cases as backbone cases, each once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from backbone.kafka_clients import make_producer
from backbone.settings import Settings
from composition import legacy_cutover
from composition.legacy_parts import start_legacy_capture
from composition.system import System
from ind.procedures import Procedure
from services.legacy_bridge.domain.legacy_case import legacy_case_id
from tests.integration.legacy_world import LegacyWorld, legacy_rows, run_bridge_until, translated_as_in

pytestmark = [pytest.mark.postgres, pytest.mark.kafka, pytest.mark.kafka_connect]
ON = "2026-04-01"
TAKEN_OVER = "nl.ind.decision.CaseTakenOverFromLegacy"
HANDED_OVER = "nl.ind.legacy.LegacyCaseHandedOver"
WAIT_SECONDS = 120.0


def cutover_command(*options: str) -> list[str]:
    return [sys.executable, "-m", "composition.cli.main", "legacy", "cutover", "--procedure", "family",
            "--on", ON, *options]  # fmt: skip


def environment(settings: Settings, routing: Path) -> dict[str, str]:
    return {**settings.over_environment(os.environ), "BACKBONE_ROUTING_FILE": str(routing)}


def events_per_case(system: System, service: str, schema: str) -> Counter[UUID]:
    application = system.decision if service == "decision" else system.legacy_bridge
    notifications = application.recorder.select_notifications(start=0, limit=100_000, topics=[schema])
    return Counter(UUID(str(n.originator_id)) for n in notifications)


def moved_so_far(settings: Settings) -> int:
    system = System(settings)
    try:
        return sum(events_per_case(system, "decision", TAKEN_OVER).values())
    finally:
        system.close()


def test_a_cutover_killed_mid_way_and_run_again_moves_every_in_flight_case_once_and_the_tower_sees_them(
    legacy_world: LegacyWorld, tmp_path: Path
) -> None:
    world = legacy_world
    for _ in range(120):
        world.caseworkers.register_case("GEZIN")
    for _ in range(4):
        world.caseworkers.work_day(actions=20)
    start_legacy_capture(world.settings, world.capture)
    system = System(world.settings)
    try:
        consumer = system.legacy_consumer(group_id=f"{world.settings.topic_prefix}legacy_bridge")
        cases, history = legacy_rows(world.settings)
        run_bridge_until(system, consumer, lambda: translated_as_in(system.legacy_bridge, cases, history))
        plan = legacy_cutover.plan(system, Procedure.FAMILY, date.fromisoformat(ON))
        in_flight = {case_id for case_id, _ in plan.cases}
        assert len(in_flight) > 100
    finally:
        system.close()

    routing = tmp_path / "routing.json"
    routing.write_text(json.dumps({"version": "2026.2", "routes": [
        {"procedure": "family", "system": "legacy", "cutover_on": "2026-05-01"}]}))  # fmt: skip
    env = environment(world.settings, routing)
    refused = subprocess.run(cutover_command(), env=env, capture_output=True)
    assert refused.returncode == 5, refused.stderr
    assert b"cutover_on 2026-05-01 for family, not 2026-04-01" in refused.stderr
    routing.write_text(json.dumps({"version": "2026.3", "routes": [
        {"procedure": "family", "system": "legacy", "cutover_on": ON}]}))  # fmt: skip

    dry = subprocess.run(cutover_command("--dry-run", "--json"), env=env, capture_output=True)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["in_flight"] == len(in_flight)
    assert moved_so_far(world.settings) == 0

    log = (tmp_path / "first.log").open("wb")
    first = subprocess.Popen(cutover_command("--batch-size", "1"), env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + WAIT_SECONDS
    while moved_so_far(world.settings) < 10:
        assert first.poll() is None, "the cutover ended before it could be killed"
        assert time.monotonic() < deadline, "the cutover moved nothing"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    log.close()
    at_the_kill = moved_so_far(world.settings)
    assert 10 <= at_the_kill < len(in_flight), "killed mid-way"

    second = subprocess.run(cutover_command("--json"), env=env, capture_output=True, timeout=300)
    assert second.returncode == 0, second.stderr
    result = json.loads(second.stdout)
    assert result["total"] == len(in_flight)
    assert result["moved_now"] == len(in_flight) - at_the_kill

    system = System(world.settings)
    try:
        opened = events_per_case(system, "decision", TAKEN_OVER)
        handed = events_per_case(system, "legacy_bridge", HANDED_OVER)
        assert set(opened) == in_flight and set(opened.values()) == {1}
        assert set(handed) == in_flight and set(handed.values()) == {1}

        # A legacy write to a moved case: a conflict, not an observation
        moved = next(z for z in cases if legacy_case_id(z) in in_flight)
        world.caseworkers.change_status(moved, "BESL", "besloten in het oude systeem")
        consumer = system.legacy_consumer(group_id=f"{world.settings.topic_prefix}legacy_bridge")
        run_bridge_until(
            system, consumer, lambda: sum(events_per_case(system, "legacy_bridge", CONFLICT).values()) >= 2
        )
        listed = subprocess.run(
            [sys.executable, "-m", "composition.cli.main", "legacy", "conflicts", "--json"],
            env=env, capture_output=True,
        )  # fmt: skip
        listed_conflicts = [json.loads(line) for line in listed.stdout.splitlines()]
        assert {c["zaaknummer"] for c in listed_conflicts} == {moved}  # the row and its history row
        assert "BESL" in {c["legacy_status"] for c in listed_conflicts}
        assert system.legacy_bridge.legacy_case(moved).current.stage != "decided"  # type: ignore[union-attr]

        assert_the_tower_shows_the_moved_cases_as_backbone_cases(system, world.settings, in_flight)
    finally:
        system.close()


CONFLICT = "nl.ind.legacy.LegacyWriteToMigratedCase"


def assert_the_tower_shows_the_moved_cases_as_backbone_cases(
    system: System, settings: Settings, in_flight: set[UUID]
) -> None:
    with make_producer(settings, client_id="test-cutover-relay") as producer:
        for service in ("legacy_bridge", "decision"):
            relay = system.relay(service, producer)
            while relay.backlog():
                relay.publish_pending()
    store = system.live_views().current()
    consumers = system.tower_consumers(store, group_id=f"{settings.topic_prefix}tower-cutover")
    deadline = time.monotonic() + WAIT_SECONDS

    def owners() -> dict[str, int]:
        totals: dict[str, int] = {}
        for procedure, _stage, _team, _group, owner, count in store.workload_detail():
            if procedure == "family":
                totals[owner] = totals.get(owner, 0) + count
        return totals

    while owners().get("backbone", 0) < len(in_flight):
        assert time.monotonic() < deadline, f"the tower shows {owners()}"
        for consumer in consumers:
            consumer.step(timeout=0.5)
    cases: dict[str, Any] = {str(case_id): store.case(str(case_id)) for case_id in in_flight}
    assert all(case is not None and case[0].system == "backbone" for case in cases.values())
    assert owners()["backbone"] == len(in_flight)  # each once, none still counted as legacy too
    for consumer in consumers:
        consumer.feed.close()
