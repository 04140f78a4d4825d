"""Reading a whole topic back, as a consuming team would, to check what the relay wrote."""

from __future__ import annotations

import time
from typing import Any

from kafka import TopicPartition

from backbone.kafka_clients import make_reader
from backbone.settings import Settings


def read_topic(settings: Settings, topic: str, timeout: float = 60.0) -> list[Any]:
    """Every record now in the topic, partition by partition in offset order."""
    consumer = make_reader(settings, client_id="test-reader")
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        records: list[Any] = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(p) < ends[p] for p in partitions):
            assert time.monotonic() < deadline, "the topic could not be read to its end in time"
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def message_count(settings: Settings, topic: str) -> int:
    consumer = make_reader(settings, client_id="test-counter")
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


def headers(record: Any) -> dict[str, str]:
    return {name: value.decode() for name, value in record.headers}
