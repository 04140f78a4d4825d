"""Distributed mode: read producing services' topics from Kafka with a consumer group.

On every assignment the feed seeks each partition from the consumer's own store (the offset hint), not
from offsets committed in Kafka; duplicates (a relay that republished after a crash, or a re-read after
a rebalance) carry upstream notification ids the consumer has already tracked, and are skipped there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import structlog
from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition

from backbone.codec import AvroCodec
from backbone.envelope import envelope_from_kafka
from backbone.errors import BackboneError
from backbone.feeds.base import FeedItem, partition_stream
from backbone.feeds.offset_hints import OffsetHints

log = structlog.get_logger("backbone.feeds.kafka")
# A consumer that is not a settled group member this long is restarted (see _watch_membership).
UNSETTLED_RESTART_SECONDS = 30.0
STABLE = "<stable>"  # kafka.structs.MemberState.STABLE


class KafkaTopicsFeed:
    def __init__(
        self,
        *,
        upstreams: Mapping[str, str],  # topic name -> producing service
        consumer_factory: Callable[[], KafkaConsumer],
        codec: AvroCodec,
        hints: OffsetHints,
    ) -> None:
        self._upstreams = dict(upstreams)
        self._consumer_factory = consumer_factory
        self._codec = codec
        self._hints = hints
        self._consumer: KafkaConsumer | None = None
        self._unsettled_since: float | None = None

    @property
    def consumer(self) -> KafkaConsumer:
        if self._consumer is None:
            consumer = self._consumer_factory()
            # Learn the topics' partitions before joining the group. Joining without them gives an empty
            # first assignment and a rebalance as soon as the metadata arrives; kafka-python 3.0.12 can
            # hang in that second rebalance (SyncGroup answered by the broker, never processed).
            for topic in self._upstreams:
                if not consumer.partitions_for_topic(topic):
                    consumer.close(autocommit=False)
                    raise MissingTopicError(f"topic {topic} does not exist: run `backbone topics create`")
            consumer.subscribe(topics=sorted(self._upstreams), listener=_SeekFromHints(self))
            # kafka-python's group leader refreshes metadata before joining only for pattern
            # subscriptions: with named topics it assigns from an empty snapshot and rejoins as soon as
            # the metadata arrives, and that second rebalance is where 3.0.12 can hang. Fetching the
            # topics now makes the first assignment the real one (0 rejoins in 12 probes, 12 before).
            consumer.topics()
            self._consumer = consumer
            self._unsettled_since = None
        return self._consumer

    def stream_of(self, partition: TopicPartition) -> str:
        return partition_stream(self._upstreams[partition.topic], partition.partition)

    def seek_from_hints(self, partitions: Sequence[TopicPartition]) -> None:
        for partition in partitions:
            offset = self._hints.last_offset(self.stream_of(partition))
            if offset is None:
                self.consumer.seek_to_beginning(partition)
            else:
                self.consumer.seek(partition, offset + 1)

    def poll(self, max_items: int, timeout: float) -> list[FeedItem]:
        batches = self.consumer.poll(timeout_ms=int(timeout * 1000), max_records=max_items)
        self._watch_membership()
        items = []
        for partition, records in batches.items():
            stream = self.stream_of(partition)
            for record in records:
                envelope = envelope_from_kafka(self._codec, record.headers, record.value)
                items.append(FeedItem(stream, envelope.notification_id, envelope, record.offset))
        return items

    def _watch_membership(self) -> None:
        """Start over if the consumer has not been a settled group member for too long.

        kafka-python 3.0.12 can hang in a rebalance: the broker answers the SyncGroup, the client
        never processes it and stops heartbeating. Settled is the coordinator's STABLE state (read from
        the client's internals when present), else having partitions.
        """
        if self._consumer is None:
            return
        if _settled(self._consumer):
            self._unsettled_since = None
            return
        now = time.monotonic()
        if self._unsettled_since is None:
            self._unsettled_since = now
        elif now - self._unsettled_since > UNSETTLED_RESTART_SECONDS:
            log.warning("kafka_consumer_unsettled_restarting", topics=sorted(self._upstreams))
            self.close()

    def backlog(self, probe: KafkaConsumer | None = None) -> dict[str, int]:
        """Per assigned partition's stream: messages in Kafka beyond this consumer's position.

        ``probe``: another client to ask for the end offsets. This consumer's own connection may be
        busy with a fetch that waits up to ``fetch.max.wait.ms`` (500 ms) for new messages, and the
        offsets request queues behind it; someone who asks often (the simulator) passes a probe."""
        if self._consumer is None or not self._consumer.assignment():
            return {}
        partitions = sorted(self._consumer.assignment())
        ends = (probe or self._consumer).end_offsets(partitions)
        return {self.stream_of(tp): max(0, ends[tp] - self._consumer.position(tp)) for tp in partitions}

    def acknowledge(self, items: Sequence[FeedItem]) -> None:
        last: dict[str, int] = {}
        for item in items:
            if item.offset is not None:
                last[item.stream] = max(item.offset, last.get(item.stream, -1))
        for stream, offset in last.items():
            self._hints.record(stream, offset)

    def rewind(self) -> None:
        if self._consumer is not None:
            self.seek_from_hints(sorted(self._consumer.assignment()))

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close(autocommit=False)
            self._consumer = None


class MissingTopicError(BackboneError):
    """A topic the feed should read does not exist; the services never create topics themselves."""


class _SeekFromHints(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, feed: KafkaTopicsFeed) -> None:
        self._feed = feed

    def on_partitions_revoked(self, revoked: Any) -> None:
        """Effects are committed per batch, so there is nothing to flush."""

    def on_partitions_assigned(self, assigned: Any) -> None:
        self._feed.seek_from_hints(sorted(assigned))


def _settled(consumer: Any) -> bool:
    coordinator = getattr(consumer, "_coordinator", None)
    state = getattr(coordinator, "state", None)
    if state is not None:
        return bool(state == STABLE)
    return bool(consumer.assignment())
