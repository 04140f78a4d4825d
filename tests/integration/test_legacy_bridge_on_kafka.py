"""The legacy bridge end to end on the real PostgreSQL, Kafka Connect (Debezium) and Kafka: caseworkers
work the legacy database for weeks, the bridge translates what Debezium captures and its relay publishes
it on ind.legacy.cases.v1, where every case ends as its legacy row ends and nothing personal appears."""

from __future__ import annotations

from typing import Any

import pytest

from backbone.consumer import TrackedConsumer
from backbone.kafka_clients import make_consumer
from composition.legacy_parts import start_legacy_capture
from composition.system import System
from services.legacy_bridge.adapters.change_feed import DebeziumChangeFeed
from services.topics import topic_of
from tests.integration.legacy_world import (
    LegacyWorld,
    assert_the_topic_ends_as_the_legacy_rows,
    end_offsets,
    legacy_rows,
    personal_values,
    published,
    run_bridge_until,
    translated_as_in,
)
from tests.kafka_reading import read_topic

pytestmark = [pytest.mark.postgres, pytest.mark.kafka, pytest.mark.kafka_connect]


def test_weeks_of_legacy_work_arrive_translated_complete_and_without_personal_data(
    legacy_world: LegacyWorld,
) -> None:
    world = legacy_world
    for _ in range(5):  # before the connector: the snapshot's rows
        world.caseworkers.work_day(actions=8)
    start_legacy_capture(world.settings, world.capture)
    system = System(world.settings)
    try:
        consumer = system.legacy_consumer(group_id=f"{world.settings.topic_prefix}legacy_bridge")
        for _ in range(20):  # then streamed as they happen
            world.caseworkers.work_day(actions=10)
        cases, history = legacy_rows(world.settings)
        bridge = system.legacy_bridge

        run_bridge_until(system, consumer, lambda: translated_as_in(bridge, cases, history))
        ends = end_offsets(world.settings, consumer.feed.topics)  # type: ignore[attr-defined]
        run_bridge_until(
            system, consumer, lambda: all((bridge.max_position(s) or 0) >= e for s, e in ends.items())
        )

        topic = published(system, world.settings)
        assert_the_topic_ends_as_the_legacy_rows(topic, cases, history)

        bridge_topic = topic_of("legacy_bridge", 3, world.settings.topic_prefix).name
        raw = b"".join(
            record.value + b"".join(value for _, value in record.headers)
            for record in read_topic(world.settings, bridge_topic)
        )
        short = set()
        for value in personal_values(world.settings, world.capture):
            if len(value) >= 6:  # names, BSNs, birth dates, addresses, remarks, logins
                assert value.encode() not in raw, "a personal value of the legacy rows is on the bus"
            else:
                short.add(value)  # nationality codes: too short to look for in bytes, so decoded
        for events in topic.values():
            for _, value in events:
                assert not short & set(_strings(value))

        # Restarted on the same store and reading every change again from the start: nothing added.
        recorded = bridge.recorder.max_notification_id()
        replay = TrackedConsumer(
            DebeziumChangeFeed(
                topics=consumer.feed.topics,  # type: ignore[attr-defined]
                consumer_factory=lambda: make_consumer(
                    world.settings, group_id=f"{world.settings.topic_prefix}replay", client_id="replay"
                ),
                positions=lambda stream: None,
            ),
            bridge,
        )
        try:
            replay.run_until_caught_up(idle_timeout=3.0)
        finally:
            replay.feed.close()
        assert replay.stats.skipped > 0 and replay.stats.applied == 0
        assert bridge.recorder.max_notification_id() == recorded
    finally:
        system.close()


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []
