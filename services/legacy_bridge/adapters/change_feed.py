"""The change topics read with a consumer group, each partition sought from the bridge's own store.

The bridge tracks, per ``<change topic>:p<partition>`` stream, the offset after the last change it
applied, in the same transaction as the events; on every assignment the feed seeks there (or to the
beginning), never to offsets committed in Kafka, which the bridge does not commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition

from backbone.feeds.base import partition_stream
from backbone.feeds.kafka_topics import MissingTopicError
from services.legacy_bridge.adapters.debezium_records import legacy_change
from services.legacy_bridge.application.change_items import ChangeItem

Positions = Callable[[str], int | None]  # stream -> next offset to read, None: from the beginning


class DebeziumChangeFeed:
    def __init__(
        self, *, topics: Sequence[str], consumer_factory: Callable[[], Any], positions: Positions
    ) -> None:
        self._topics = list(topics)
        self._consumer_factory = consumer_factory
        self._positions = positions
        self._consumer: KafkaConsumer | None = None

    @property
    def topics(self) -> list[str]:
        return list(self._topics)

    @property
    def consumer(self) -> KafkaConsumer:
        if self._consumer is None:
            consumer = self._consumer_factory()
            for topic in self._topics:
                if not consumer.partitions_for_topic(topic):
                    consumer.close(autocommit=False)
                    raise MissingTopicError(f"change topic {topic} does not exist: create it first")
            consumer.subscribe(topics=sorted(self._topics), listener=_SeekFromPositions(self))
            consumer.topics()  # the first assignment is the real one (see backbone.feeds.kafka_topics)
            self._consumer = consumer
        return self._consumer

    @staticmethod
    def stream_of(partition: TopicPartition) -> str:
        return partition_stream(partition.topic, partition.partition)

    def seek(self, partitions: Sequence[TopicPartition]) -> None:
        for partition in partitions:
            position = self._positions(self.stream_of(partition))
            if position is None:
                self.consumer.seek_to_beginning(partition)
            else:
                self.consumer.seek(partition, position)

    def poll(self, max_items: int, timeout: float) -> list[ChangeItem]:
        batches = self.consumer.poll(timeout_ms=int(timeout * 1000), max_records=max_items)
        items = []
        for partition, records in batches.items():
            stream = self.stream_of(partition)
            table = partition.topic.rpartition(".")[2]
            for record in records:
                where = f"{partition.topic}[{partition.partition}]@{record.offset}"
                change = legacy_change(table, record.value, where)
                items.append(ChangeItem(stream, record.offset + 1, change))
        return items

    def acknowledge(self, items: Sequence[ChangeItem]) -> None:
        """Nothing to do: the bridge's positions are in its store, recorded with the effects."""

    def rewind(self) -> None:
        if self._consumer is not None:
            self.seek(sorted(self._consumer.assignment()))

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close(autocommit=False)
            self._consumer = None


class _SeekFromPositions(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, feed: DebeziumChangeFeed) -> None:
        self._feed = feed

    def on_partitions_revoked(self, revoked: Any) -> None:
        """Effects and positions are committed per batch: nothing to flush."""

    def on_partitions_assigned(self, assigned: Any) -> None:
        self._feed.seek(sorted(assigned))
