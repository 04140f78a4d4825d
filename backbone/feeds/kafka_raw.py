"""A topic's messages as they are (key, headers, value, where), from its beginning to its end now,
read once without a consumer group: what recovery compares a store with."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from kafka import TopicPartition

from backbone.errors import BackboneError
from backbone.kafka_clients import make_consumer
from backbone.settings import Settings

STALL_SECONDS = 30.0


class TopicReadError(BackboneError):
    """A topic could not be read to its end."""


@dataclass(frozen=True)
class RawMessage:
    partition: int
    offset: int
    headers: dict[str, bytes]
    value: bytes


def read_topic(settings: Settings, topic: str) -> Iterator[RawMessage]:
    """Every message of ``topic``, partition by partition, up to the end offsets when called."""
    consumer = make_consumer(settings, group_id=None, client_id="topic-reader")
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            raise TopicReadError(f"topic {topic} does not exist")
        ends = consumer.end_offsets(partitions)
        for partition in partitions:
            yield from _read_partition(consumer, partition, ends[partition])
    finally:
        consumer.close(autocommit=False)


def _read_partition(consumer: object, partition: TopicPartition, end: int) -> Iterator[RawMessage]:
    consumer.assign([partition])  # type: ignore[attr-defined]
    consumer.seek_to_beginning(partition)  # type: ignore[attr-defined]
    position = consumer.position(partition)  # type: ignore[attr-defined]
    last_progress = time.monotonic()
    while position < end:
        batches = consumer.poll(timeout_ms=500, max_records=5000)  # type: ignore[attr-defined]
        for records in batches.values():
            for record in records:
                if record.offset >= end:
                    return
                yield RawMessage(partition.partition, record.offset, dict(record.headers), record.value)
                position = record.offset + 1
                last_progress = time.monotonic()
        if time.monotonic() - last_progress > STALL_SECONDS:
            raise TopicReadError(
                f"{partition.topic}[{partition.partition}] stopped at offset {position} of {end}"
            )
