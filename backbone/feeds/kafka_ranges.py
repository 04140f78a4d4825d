"""Read fixed offset ranges of Kafka partitions once, without a consumer group: for rebuilds and replays.

A rebuild reads every partition from its beginning to the end offset it had when the rebuild started,
then stops; nothing is committed to Kafka and no group is joined, so there is no rebalance to wait for
and workers can share the partitions among themselves by number.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kafka import TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from backbone.codec import AvroCodec
from backbone.envelope import envelope_from_kafka
from backbone.feeds.base import FeedItem, partition_stream
from backbone.kafka_clients import make_consumer, make_reader
from backbone.settings import Settings

# Larger fetches than a live consumer's: a rebuild wants throughput, not the latest event soonest.
FETCH_MAX_BYTES = 64 * 1024 * 1024
PARTITION_FETCH_BYTES = 8 * 1024 * 1024
MAX_RECORDS = 2000


@dataclass(frozen=True)
class PartitionRange:
    topic: str
    upstream: str  # the producing service
    partition: int
    beginning: int  # the first offset to read
    end: int  # one past the last offset to read

    @property
    def stream(self) -> str:
        return partition_stream(self.upstream, self.partition)

    @property
    def size(self) -> int:
        return max(0, self.end - self.beginning)


def partition_ranges(settings: Settings, topics: Mapping[str, str]) -> list[PartitionRange]:
    """Every partition of ``topics`` (name -> producing service) from its beginning to its end now."""
    probe = make_consumer(settings, group_id=None, client_id="range-probe")
    try:
        partitions = [
            TopicPartition(name, p)
            for name in topics
            for p in sorted(probe.partitions_for_topic(name) or ())
        ]
        ends = probe.end_offsets(partitions)
        beginnings = probe.beginning_offsets(partitions)
    finally:
        probe.close(autocommit=False)
    return [
        PartitionRange(tp.topic, topics[tp.topic], tp.partition, beginnings[tp], ends[tp])
        for tp in partitions
    ]


def read_ranges(
    settings: Settings, codec: AvroCodec, ranges: list[PartitionRange], *, client_id: str
) -> Iterator[list[FeedItem]]:
    """The events of ``ranges``, a poll's worth at a time, in offset order per partition."""
    for polled in read_records(settings, ranges, client_id=client_id):
        batch: list[FeedItem] = []
        for span, records in polled:
            for record in records:
                envelope = envelope_from_kafka(codec, record.headers, record.value)
                batch.append(FeedItem(span.stream, envelope.notification_id, envelope, record.offset))
        yield batch


def read_records(
    settings: Settings, ranges: list[PartitionRange], *, client_id: str
) -> Iterator[list[tuple[PartitionRange, list[ConsumerRecord]]]]:
    """The records of ``ranges`` as Kafka holds them (not decoded), a poll's worth at a time: per
    partition, its range and its records in offset order."""
    wanted = {TopicPartition(r.topic, r.partition): r for r in ranges if r.size}
    if not wanted:
        return
    consumer = make_reader(
        settings,
        client_id=client_id,
        max_poll_records=MAX_RECORDS,
        fetch_max_bytes=FETCH_MAX_BYTES,
        max_partition_fetch_bytes=PARTITION_FETCH_BYTES,
    )
    try:
        consumer.assign(sorted(wanted))
        for partition, span in wanted.items():
            consumer.seek(partition, span.beginning)
        unfinished = set(wanted)
        while unfinished:
            polled = []
            for partition, records in consumer.poll(timeout_ms=500).items():
                span = wanted[partition]
                if records and records[-1].offset >= span.end:
                    records = [r for r in records if r.offset < span.end]
                polled.append((span, records))
            for partition in list(unfinished):
                if consumer.position(partition) >= wanted[partition].end:
                    unfinished.discard(partition)
                    consumer.pause(partition)
            if polled:
                yield polled
    finally:
        consumer.close(autocommit=False)
