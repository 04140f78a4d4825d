"""A legacy database worked by caseworkers, a bridge store, a connector and topics of a test's own, and
what the bridge's tests read back: the legacy tables' final state and the bridge's topic, decoded."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
import pytest
from kafka import TopicPartition

from backbone.consumer import TrackedConsumer
from backbone.errors import NotFound
from backbone.kafka_clients import make_admin, make_producer, make_reader
from backbone.settings import Settings
from backbone.topics import ensure_topics
from composition.system import System
from services.legacy_bridge.application.bridge import LEGACY_SOURCE, LegacyBridge
from services.legacy_bridge.application.change_items import ChangeItem
from services.legacy_bridge.connector import LegacyCapture
from services.legacy_bridge.domain.legacy_case import legacy_case_id
from services.legacy_bridge.kafka_connect import KafkaConnect
from services.legacy_bridge.replication_slot import drop_replication_slot
from services.topics import declared_topics, topic_of
from simulation.legacy_system.caseworkers import LegacyCaseworkers
from simulation.legacy_system.schema import ensure_legacy_database, legacy_dsn
from tests.conftest import drop_database
from tests.kafka_reading import headers, read_topic

PERSONAL = ("naam", "geboortedatum", "bsn", "nationaliteit", "adres", "opmerkingen", "behandelaar")
WAIT_SECONDS = 120.0
OBSERVED, REMOVED = "nl.ind.legacy.LegacyCaseObserved", "nl.ind.legacy.LegacyCaseRemoved"
HISTORY_ONLY = "nl.ind.legacy.LegacyStatusHistoryObserved"


@dataclass
class LegacyWorld:
    settings: Settings
    capture: LegacyCapture
    caseworkers: LegacyCaseworkers


@pytest.fixture
def legacy_world(
    postgres_settings: Settings, kafka_available: str, kafka_connect_available: KafkaConnect
) -> Iterator[LegacyWorld]:
    """A fresh legacy database, a bridge store, a connector and topics of this test's own."""
    run_id = uuid.uuid4().hex[:10]
    settings = postgres_settings.with_overrides(
        legacy_database=f"legacy_test_{run_id}",
        topic_prefix=f"test-{run_id}.",
        topic_partitions=3,
        pseudonym_pepper="a pepper for the bridge's test, 32+ bytes",
    )
    capture = LegacyCapture.from_settings(settings)  # the slot `backbone run legacy-bridge` uses
    ensure_legacy_database(settings)
    admin = make_admin(settings)
    ensure_topics(admin, declared_topics(3, prefix=settings.topic_prefix))
    caseworkers = LegacyCaseworkers.on_database(settings, seed=16, today=date(2026, 3, 2))
    try:
        yield LegacyWorld(settings, capture, caseworkers)
    finally:
        caseworkers.close()
        kafka_connect_available.delete(capture.name)
        drop_replication_slot(settings, capture.slot_name)
        drop_database(settings, settings.legacy_database)
        try:
            ours = [t for t in admin.list_topics() if t.startswith(settings.topic_prefix)]
            if ours:
                admin.delete_topics(ours)
        finally:
            admin.close()


def legacy_rows(settings: Settings) -> tuple[dict[str, dict[str, Any]], dict[str, list[tuple[Any, ...]]]]:
    """The legacy tables as they are now: case rows by zaaknummer, and each case's history."""
    with psycopg.connect(legacy_dsn(settings)) as connection:
        cursor = connection.execute(
            "SELECT zaaknummer, zaaktype, status, datum_ontvangst, datum_besluit, team FROM zaken"
        )
        names = [c.name for c in cursor.description or ()]
        cases = {str(r[0]): dict(zip(names, r, strict=True)) for r in cursor.fetchall()}
        history: dict[str, list[tuple[Any, ...]]] = {}
        for zaaknummer, entry_id, status, on in connection.execute(
            "SELECT zaaknummer, id, status, datum_status FROM zaak_statussen ORDER BY datum_status, id"
        ).fetchall():
            history.setdefault(str(zaaknummer), []).append((entry_id, status, on))
    return cases, history


def personal_values(settings: Settings, capture: LegacyCapture) -> set[str]:
    """Every personal value the legacy rows ever held, as the change topics carried them."""
    values: set[str] = set()
    for table in ("zaken", "zaak_statussen"):
        for record in read_topic(settings, capture.topic_of(table)):
            if record.value is None:
                continue
            change = json.loads(record.value)
            for row in (change["before"], change["after"]):
                for column in (*PERSONAL, "toelichting"):
                    if row and row.get(column) is not None:
                        values.add(str(row[column]))
    return values


def published(system: System, settings: Settings) -> dict[uuid.UUID, list[tuple[str, dict[str, Any]]]]:
    """The bridge's topic, decoded with the schemas: per case, its events in order."""
    cases: dict[uuid.UUID, list[tuple[int, str, dict[str, Any]]]] = {}
    for record in read_topic(settings, topic_of("legacy_bridge", 3, settings.topic_prefix).name):
        schema, value = system.codec.decode(record.value)
        assert headers(record)["ce_source"] == LEGACY_SOURCE
        case_id = value["meta"]["aggregate_id"]
        assert record.key.decode() == str(case_id)
        cases.setdefault(case_id, []).append((value["meta"]["aggregate_version"], schema.name, value))
    return {case: [(name, v) for _, name, v in sorted(events)] for case, events in cases.items()}


def matches(
    final: dict[str, Any], history: list[tuple[Any, ...]], event: tuple[str, dict[str, Any]]
) -> bool:
    name, value = event
    if name != OBSERVED:
        return False
    entries = [(e["entry_id"], e["status"], e["on"]) for e in value["status_history"]]
    return (
        value["legacy_status"] == final["status"]
        and value["received_on"] == final["datum_ontvangst"]
        and value["decided_on"] == final["datum_besluit"]
        and value["team_code"] == final["team"]
        and entries == history
    )


def run_bridge_until(
    system: System, consumer: TrackedConsumer[ChangeItem], done: Callable[[], bool]
) -> None:
    """Consume, translate and publish until ``done``."""
    deadline = time.monotonic() + WAIT_SECONDS
    with make_producer(system.settings_for("legacy_bridge"), client_id="test-legacy-relay") as producer:
        relay = system.relay("legacy_bridge", producer)
        while not done() or relay.backlog():
            assert time.monotonic() < deadline, "the bridge did not catch up with the legacy database"
            consumer.step(timeout=0.5)
            relay.publish_pending()


def refused(final: dict[str, Any]) -> bool:
    """A naturalisation cannot be extended: its VERL row is refused (rule no_extension_rule)."""
    return bool(final["zaaktype"] == "NATUR" and final["status"] == "VERL")


def end_offsets(settings: Settings, topics: list[str]) -> dict[str, int]:
    reader = make_reader(settings, client_id="test-end-offsets")
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in reader.partitions_for_topic(t)]
        return {f"{tp.topic}:p{tp.partition}": end for tp, end in reader.end_offsets(partitions).items()}
    finally:
        reader.close()


def translated_as_in(
    bridge: LegacyBridge, cases: dict[str, dict[str, Any]], history: dict[str, list[tuple[Any, ...]]]
) -> bool:
    """Whether the bridge's store holds every legacy case as its rows are now."""
    try:
        for zaaknummer, final in cases.items():
            case = bridge.legacy_case(zaaknummer)
            entries = [(e.entry_id, e.status, e.on) for e in sorted(case.history.values())]
            if entries != history[zaaknummer]:
                return False
            if not refused(final) and (case.row is None or case.row.status != final["status"]):
                return False
    except NotFound:
        return False
    return True


def assert_the_topic_ends_as_the_legacy_rows(
    topic: dict[uuid.UUID, list[tuple[str, dict[str, Any]]]],
    cases: dict[str, dict[str, Any]],
    history: dict[str, list[tuple[Any, ...]]],
) -> None:
    assert len(cases) > 40
    for zaaknummer, final in cases.items():
        events = topic[legacy_case_id(zaaknummer)]
        if refused(final):
            assert any(v.get("rule") == "no_extension_rule" for _, v in events), zaaknummer
            continue
        last_observed = [e for e in events if e[0] == OBSERVED][-1]
        assert matches(final, history[zaaknummer], last_observed), (zaaknummer, last_observed)
    removed = set(topic) - {legacy_case_id(z) for z in cases}
    assert removed, "the caseworkers deleted no case: the test proves less than it says"
    for case_id in removed:  # deleted in the legacy database
        names = [name for name, _ in topic[case_id]]
        assert names[-1] == REMOVED or set(names) == {HISTORY_ONLY}, names
