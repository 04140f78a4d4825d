"""Change data capture from the legacy case system: Debezium on the real Kafka Connect, PostgreSQL
and Kafka. A snapshot of the rows already there, then every insert, update and delete as it happens."""

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

from backbone.kafka_clients import make_admin, make_reader
from backbone.runtime import postgres_dsn
from backbone.settings import Settings
from services.legacy_bridge.connector import LegacyCapture, connector_config
from services.legacy_bridge.heartbeat import ensure_heartbeat_table
from services.legacy_bridge.kafka_connect import KafkaConnect
from services.legacy_bridge.replication_slot import drop_replication_slot
from simulation.legacy_system.caseworkers import LegacyCaseworkers
from simulation.legacy_system.schema import ensure_legacy_database
from tests.conftest import drop_database

pytestmark = [pytest.mark.postgres, pytest.mark.kafka, pytest.mark.kafka_connect]


@dataclass(frozen=True)
class Change:
    key: str
    op: str | None  # None: a tombstone
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    partition: int
    offset: int


class ChangeTopic:
    """Every change record on one topic so far, read from the start; waits for the topic to exist,
    since the worker creates it with the first record."""

    def __init__(self, settings: Settings, topic: str) -> None:
        self._topic = topic
        self._consumer = make_reader(settings, client_id="test-legacy-changes")
        self._assigned = False
        self.changes: list[Change] = []

    def read_until(self, done: Callable[[list[Change]], bool], timeout: float = 60.0) -> list[Change]:
        deadline = time.monotonic() + timeout
        while not done(self.changes):
            assert time.monotonic() < deadline, f"{self._topic} holds only {self.changes}"
            if not self._assigned:
                self._assign()
                continue
            for batch in self._consumer.poll(timeout_ms=500).values():
                self.changes.extend(self._change(r) for r in batch)
        return self.changes

    def _assign(self) -> None:
        if self._topic not in self._consumer.topics():  # topics() refreshes the metadata
            time.sleep(0.2)
            return
        partitions = [
            TopicPartition(self._topic, p) for p in self._consumer.partitions_for_topic(self._topic)
        ]
        self._consumer.assign(partitions)
        self._consumer.seek_to_beginning(*partitions)
        self._assigned = True

    @staticmethod
    def _change(record: Any) -> Change:
        key = json.loads(record.key)["zaaknummer"]
        value = None if record.value is None else json.loads(record.value)
        return Change(
            key=key,
            op=None if value is None else value["op"],
            before=None if value is None else value["before"],
            after=None if value is None else value["after"],
            partition=record.partition,
            offset=record.offset,
        )

    def close(self) -> None:
        self._consumer.close()


@dataclass(frozen=True)
class LegacyCaptureRun:
    settings: Settings
    capture: LegacyCapture
    connect: KafkaConnect
    caseworkers: LegacyCaseworkers


@pytest.fixture
def legacy_capture(
    kafka_connect_available: KafkaConnect, postgres_available: Settings, kafka_available: str
) -> Iterator[LegacyCaptureRun]:
    """A legacy database, connector, slot and topics of this test's own, all removed afterwards."""
    run_id = uuid.uuid4().hex[:10]
    settings = postgres_available.with_overrides(
        legacy_database=f"legacy_test_{run_id}", topic_prefix=f"test-{run_id}.", topic_partitions=3
    )
    capture = LegacyCapture.from_settings(settings)
    capture = LegacyCapture(
        name=capture.name,
        topic_prefix=capture.topic_prefix,
        slot_name=f"test_{run_id}",
        partitions=capture.partitions,
        heartbeat_ms=500,
    )
    ensure_legacy_database(settings)
    ensure_heartbeat_table(settings)
    caseworkers = LegacyCaseworkers.on_database(settings, seed=16, today=date(2026, 3, 2))
    try:
        yield LegacyCaptureRun(settings, capture, kafka_connect_available, caseworkers)
    finally:
        caseworkers.close()
        kafka_connect_available.delete(capture.name)
        drop_replication_slot(settings, capture.slot_name)
        drop_database(settings, settings.legacy_database)
        admin = make_admin(settings)
        try:
            ours = [t for t in admin.list_topics() if t.startswith(capture.topic_prefix)]
            if ours:
                admin.delete_topics(ours)
        finally:
            admin.close()


def test_legacy_rows_arrive_as_a_snapshot_then_as_inserts_updates_and_deletes(
    legacy_capture: LegacyCaptureRun,
) -> None:
    run = legacy_capture
    caseworkers = run.caseworkers
    existing = [caseworkers.register_case() for _ in range(5)]
    caseworkers.change_status(existing[0], "INBH")

    run.connect.put_config(run.capture.name, connector_config(run.settings, run.capture))
    run.connect.wait_running(run.capture.name)
    zaken = ChangeTopic(run.settings, run.capture.topic_of("zaken"))
    statussen = ChangeTopic(run.settings, run.capture.topic_of("zaak_statussen"))
    try:
        snapshot = zaken.read_until(lambda cs: len(cs) >= len(existing))
        assert sorted(c.key for c in snapshot) == sorted(existing)
        assert {c.op for c in snapshot} == {"r"}
        for change in snapshot:
            assert change.before is None
            assert change.after is not None
            assert change.after["zaaknummer"] == change.key
        assert {c.key: c.after["status"] for c in snapshot if c.after} == {
            existing[0]: "INBH",
            **{z: "ONTV" for z in existing[1:]},
        }

        new = caseworkers.register_case()
        caseworkers.change_status(existing[1], "INBH")
        caseworkers.delete_case(existing[2])
        streamed = zaken.read_until(lambda cs: len(cs) >= len(existing) + 4)[len(existing) :]

        # Keyed by zaaknummer over 3 partitions: one case's changes are in order, not all of them.
        by_key_and_op = {(c.key, c.op): c for c in streamed}
        assert len(by_key_and_op) == len(streamed) == 4
        created = by_key_and_op[(new, "c")]
        updated = by_key_and_op[(existing[1], "u")]
        deleted = by_key_and_op[(existing[2], "d")]
        tombstone = by_key_and_op[(existing[2], None)]
        assert (created.key, created.op, created.before) == (new, "c", None)
        assert created.after is not None and created.after["status"] == "ONTV"
        assert (updated.key, updated.op) == (existing[1], "u")
        assert updated.before is not None and updated.after is not None
        assert (updated.before["status"], updated.after["status"]) == ("ONTV", "INBH")
        # REPLICA IDENTITY FULL: the old row is complete, not only its key.
        assert updated.before["naam"] == updated.after["naam"] is not None
        assert (deleted.key, deleted.op, deleted.after) == (existing[2], "d", None)
        assert deleted.before is not None and deleted.before["bsn"] is not None
        assert (tombstone.key, tombstone.op) == (existing[2], None)
        assert (tombstone.partition, tombstone.offset) == (deleted.partition, deleted.offset + 1)

        # The history table streams beside it, keyed by zaaknummer too: 6 rows snapshotted, 2 added,
        # and the deleted case's one row removed.
        history = statussen.read_until(lambda cs: len(cs) >= 10)
        assert sorted(c.op or "tombstone" for c in history) == ["c", "c", "d", *["r"] * 6, "tombstone"]
        assert {c.key for c in history if c.op == "d"} == {existing[2]}
    finally:
        zaken.close()
        statussen.close()


def test_the_connector_names_the_password_and_never_shows_it(legacy_capture: LegacyCaptureRun) -> None:
    """Kafka Connect's REST API shows a connector's configuration to anyone who reaches it: it holds a
    reference the worker resolves (connect.sh's config providers), and the connector still logs in."""
    run = legacy_capture
    run.caseworkers.register_case()
    run.connect.put_config(run.capture.name, connector_config(run.settings, run.capture))
    run.connect.wait_running(run.capture.name)
    shown = run.connect.config(run.capture.name)
    assert shown is not None
    assert shown["database.password"] == "${env:LEGACY_DATABASE_PASSWORD}"
    # What the worker shows is what was sent, with the reference unresolved (the infra's password is
    # also the user's name, so a search for it in every value would prove nothing).
    assert shown == {**connector_config(run.settings, run.capture), "name": run.capture.name}
    zaken = ChangeTopic(run.settings, run.capture.topic_of("zaken"))
    try:  # resolved by the worker: the snapshot was read with it
        assert len(zaken.read_until(lambda cs: len(cs) >= 1)) == 1
    finally:
        zaken.close()


def slot_lag_bytes(settings: Settings, slot_name: str) -> int:
    """How much of the server's WAL the slot still keeps: from its confirmed position to now."""
    with psycopg.connect(postgres_dsn(settings), autocommit=True) as connection:
        row = connection.execute(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint "
            "FROM pg_replication_slots WHERE slot_name = %s",
            (slot_name,),
        ).fetchone()
    assert row is not None, f"no slot {slot_name}"
    return int(row[0])


def test_a_quiet_legacy_database_does_not_make_its_slot_keep_the_servers_wal(
    legacy_capture: LegacyCaptureRun,
) -> None:
    run = legacy_capture
    run.caseworkers.register_case()
    run.connect.put_config(run.capture.name, connector_config(run.settings, run.capture))
    run.connect.wait_running(run.capture.name)
    zaken = ChangeTopic(run.settings, run.capture.topic_of("zaken"))
    try:
        zaken.read_until(lambda cs: len(cs) >= 1)
    finally:
        zaken.close()
    # The legacy tables stay quiet; another database of the same server writes 20 MB of WAL.
    megabytes = 20
    with psycopg.connect(postgres_dsn(run.settings), autocommit=True) as connection:
        connection.execute("CREATE TEMPORARY TABLE wal_filler (payload text)")
        for _ in range(megabytes):
            connection.execute(
                "INSERT INTO wal_filler SELECT repeat('x', 1000) FROM generate_series(1, 1000)"
            )
    assert slot_lag_bytes(run.settings, run.capture.slot_name) > 0
    # The connector's heartbeat writes to its own table in the legacy database, so it confirms a
    # position past the other database's writes and the server may recycle that WAL.
    deadline = time.monotonic() + 60
    while (lag := slot_lag_bytes(run.settings, run.capture.slot_name)) > 1_000_000:
        assert time.monotonic() < deadline, f"the slot still keeps {lag / 1e6:.1f} MB of WAL"
        time.sleep(0.5)
