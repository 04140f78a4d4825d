"""The legacy mimic end to end on the real PostgreSQL, Kafka Connect (Debezium) and Kafka: family is cut
over, the backbone decides a moved case, and the mimic writes it back to the legacy rows (BESL with
datum_besluit, one history row, marked as the mimic's); the bridge lists no conflict for that write and
still lists a caseworker's; the legacy tables and the tower reconcile. Then ``backbone run legacy-mimic``
is killed with SIGKILL mid-way and started again: every legacy row is written exactly once."""

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

import psycopg
import pytest

from backbone.consumer import TrackedConsumer
from backbone.feeds.base import FeedItem
from backbone.feeds.offset_hints import hint_name
from backbone.kafka_clients import make_producer
from backbone.settings import Settings
from composition import legacy_cutover
from composition.legacy_parts import build_legacy_mimic_store, start_legacy_capture
from composition.legacy_reconcile import reconcile_legacy, tower_behind
from composition.parts import topic_name
from composition.system import System
from ind.procedures import Procedure
from ind.routing import Route, RoutingTable
from services.decision.application.commands import CloseCase, TakeDecision
from services.decision.domain.vocabulary import Outcome
from services.legacy_bridge.application.change_items import ChangeItem
from services.legacy_bridge.application.handover import conflicts
from services.legacy_bridge.domain.legacy_case import legacy_case_id
from services.legacy_bridge.domain.mimic import MARKER_COLUMNS, MIMIC
from simulation.legacy_system.schema import legacy_dsn
from tests.integration.legacy_world import (
    LegacyWorld,
    end_offsets,
    legacy_rows,
    run_bridge_until,
    translated_as_in,
)
from tests.kafka_reading import read_topic

pytestmark = [pytest.mark.postgres, pytest.mark.kafka, pytest.mark.kafka_connect]
ON = date(2026, 4, 1)
DECIDED_ON = date(2026, 4, 2)
WAIT_SECONDS = 120.0


def cut_family_over(
    world: LegacyWorld, system: System, cases: int
) -> tuple[list[str], TrackedConsumer[ChangeItem]]:
    """``cases`` family cases registered in the legacy system, captured, and cut over; and the bridge's
    consumer of the change topics."""
    zaaknummers = [world.caseworkers.register_case("GEZIN") for _ in range(cases)]
    start_legacy_capture(world.settings, world.capture)
    consumer = system.legacy_consumer(group_id=f"{world.settings.topic_prefix}legacy_bridge")
    rows, history = legacy_rows(world.settings)
    run_bridge_until(system, consumer, lambda: translated_as_in(system.legacy_bridge, rows, history))
    routing = RoutingTable("2026.3", {Procedure.FAMILY: Route(Procedure.FAMILY, ON)})
    result = legacy_cutover.run(system, system.cutover_ledger, routing, Procedure.FAMILY, ON)
    assert result.total == cases
    return zaaknummers, consumer


def publish(system: System, *services: str) -> None:
    with make_producer(system.settings, client_id="test-mimic-relay") as producer:
        for service in services:
            relay = system.relay(service, producer)
            while relay.backlog():
                relay.publish_pending()


def zaak(settings: Settings, zaaknummer: str) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """The legacy row of a case, and its history rows (status, date, who registered them)."""
    with psycopg.connect(legacy_dsn(settings), row_factory=psycopg.rows.dict_row) as connection:
        row = connection.execute("SELECT * FROM zaken WHERE zaaknummer = %s", (zaaknummer,)).fetchone()
        history = connection.execute(
            "SELECT status, datum_status, geregistreerd_door FROM zaak_statussen WHERE zaaknummer = %s "
            "ORDER BY id",
            (zaaknummer,),
        ).fetchall()
    assert row is not None
    return row, [tuple(h.values()) for h in history]


def run_until(consumer: TrackedConsumer[FeedItem], done: Any) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not done():
        assert time.monotonic() < deadline, "the consumer did not get there"
        consumer.step(timeout=0.5)


def captured(world: LegacyWorld, zaaknummer: str) -> None:
    """Wait until Debezium has captured the mimic's write of both tables for ``zaaknummer``."""
    deadline = time.monotonic() + WAIT_SECONDS
    for table, marker in MARKER_COLUMNS.items():
        while not any(
            record.value is not None
            and (json.loads(record.value)["after"] or {}).get("zaaknummer") == zaaknummer
            and json.loads(record.value)["after"].get(marker) == MIMIC
            for record in read_topic(world.settings, world.capture.topic_of(table))
        ):
            assert time.monotonic() < deadline, f"Debezium did not capture the mimic's {table} write"
            time.sleep(0.2)


def bridge_caught_up(system: System, settings: Settings, consumer: TrackedConsumer[ChangeItem]) -> None:
    ends = end_offsets(settings, consumer.feed.topics)  # type: ignore[attr-defined]
    bridge = system.legacy_bridge
    run_bridge_until(
        system, consumer, lambda: all((bridge.max_position(s) or 0) >= e for s, e in ends.items())
    )


def test_a_backbone_decision_on_a_moved_case_is_written_back_as_besl_without_a_conflict(
    legacy_world: LegacyWorld,
) -> None:
    world, settings = legacy_world, legacy_world.settings
    system = System(settings)
    try:
        (moved, other, *_), bridge = cut_family_over(world, system, 4)
        case_id = legacy_case_id(moved)
        system.decision.execute(case_id, TakeDecision(decided_on=DECIDED_ON, outcome=Outcome.GRANTED))
        publish(system, "decision", "legacy_bridge")

        mimic = system.legacy_mimic_consumer(group_id=f"{settings.topic_prefix}legacy_mimic")
        run_until(mimic, lambda: zaak(settings, moved)[0]["status"] == "BESL")
        row, history = zaak(settings, moved)
        assert (row["datum_besluit"], row["gewijzigd_door"]) == (DECIDED_ON, MIMIC)
        assert history == [("ONTV", row["datum_ontvangst"], None), ("BESL", DECIDED_ON, MIMIC)]
        assert zaak(settings, other)[0]["status"] == "ONTV"  # not decided: not written

        captured(world, moved)
        bridge_caught_up(system, settings, bridge)  # the mimic's two changes have reached the bridge
        assert conflicts(system.legacy_bridge) == []

        reconciled = tower_reconciled(system, settings, str(case_id))
        assert reconciled.caught_up and reconciled.unexplained == [], reconciled.unexplained
        assert reconciled.compared == 4

        world.caseworkers.change_status(other, "INTR", "ingetrokken in het oude systeem")
        run_bridge_until(system, bridge, lambda: len(conflicts(system.legacy_bridge)) >= 2)
        listed = conflicts(system.legacy_bridge)
        assert {(c.zaaknummer, c.table) for c in listed} == {(other, "zaken"), (other, "zaak_statussen")}
    finally:
        system.close()


def tower_reconciled(system: System, settings: Settings, decided_case: str) -> Any:
    """The tower, fed from the topics until it shows the decided case, reconciled with the legacy."""
    publish(system, "legacy_bridge")
    live = system.live_views(consuming=True, group_id=f"{settings.topic_prefix}control_tower")
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        for consumer in live.consumers:
            consumer.step(timeout=0.2)
        behind = tower_behind(settings, live.current())
        shown = live.current().case(decided_case)
        if behind and not any(behind.values()) and shown is not None and shown[1] == "decided":
            break
        assert time.monotonic() < deadline, f"the tower did not catch up: {behind}, {shown}"
    return reconcile_legacy(system.settings_for("control_tower"), live.current, system.clock)


def read_to_the_end(settings: Settings) -> bool:
    """Whether the mimic has committed every message of decision's topic (its offset hints, recorded
    after each commit, have reached the topic's end in every partition)."""
    topic = topic_name("decision", settings)
    ends = end_offsets(settings, [topic])
    store = build_legacy_mimic_store(settings)
    try:
        for stream, end in ends.items():
            hint = store.max_tracking_id(hint_name("decision:p" + stream.rpartition(":p")[2]))
            if end and (hint is None or hint < end - 1):
                return False
        return True
    finally:
        store.close()


def mimic_rows(settings: Settings) -> Counter[tuple[str, str]]:
    with psycopg.connect(legacy_dsn(settings)) as connection:
        rows = connection.execute(
            "SELECT zaaknummer, status FROM zaak_statussen WHERE geregistreerd_door = %s", (MIMIC,)
        ).fetchall()
    return Counter((str(z), str(s)) for z, s in rows)


def test_the_mimic_killed_mid_way_and_started_again_writes_every_legacy_row_exactly_once(
    legacy_world: LegacyWorld, tmp_path: Path
) -> None:
    world, settings = legacy_world, legacy_world.settings
    system = System(settings)
    try:
        moved, _ = cut_family_over(world, system, 30)
        for zaaknummer in moved:
            case_id = legacy_case_id(zaaknummer)
            system.decision.execute(case_id, TakeDecision(decided_on=DECIDED_ON, outcome=Outcome.GRANTED))
            system.decision.execute(case_id, CloseCase(closed_on=DECIDED_ON))
        publish(system, "decision")
    finally:
        system.close()
    expected = Counter({(z, s): 1 for z in moved for s in ("BESL", "AFGH")})

    environment = {**settings.over_environment(dict(os.environ)), "LEGACY_MIMIC_CONSUMER_BATCH_SIZE": "1"}
    command = [sys.executable, "-m", "composition.cli.main", "run", "legacy-mimic"]
    log = (tmp_path / "first.log").open("wb")
    first = subprocess.Popen(command, env=environment, stdout=log, stderr=log)
    deadline = time.monotonic() + WAIT_SECONDS
    while sum(mimic_rows(settings).values()) < 10:
        assert first.poll() is None, (tmp_path / "first.log").read_text()[-2000:]
        assert time.monotonic() < deadline, "the mimic wrote nothing"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    log.close()
    at_the_kill = sum(mimic_rows(settings).values())
    assert 10 <= at_the_kill < sum(expected.values()), "killed mid-way"

    second = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not read_to_the_end(settings):
            assert second.poll() is None, "the mimic stopped"
            assert time.monotonic() < deadline, f"the mimic wrote {sum(mimic_rows(settings).values())}"
            time.sleep(0.1)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0, second.stderr.read() if second.stderr else ""
    assert mimic_rows(settings) == expected
    for zaaknummer in moved:
        row, history = zaak(settings, zaaknummer)
        assert (row["status"], row["datum_besluit"]) == ("AFGH", DECIDED_ON)
        assert [h[0] for h in history] == ["ONTV", "BESL", "AFGH"]
