"""The tail of a topic: the last message of every partition, read without a consumer group."""

from __future__ import annotations

import time

from kafka import TopicPartition

from backbone.continuity import TopicTail
from backbone.errors import BackboneError
from backbone.kafka_clients import make_consumer
from backbone.settings import Settings

TAIL_TIMEOUT_SECONDS = 30.0


class TopicTailError(BackboneError):
    """The last messages of a topic could not be read."""


def read_topic_tail(settings: Settings, topic: str) -> TopicTail | None:
    """The newest event on ``topic`` by notification id (None while the topic is empty)."""
    consumer = make_consumer(settings, group_id=None, client_id="tail-probe")
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            raise TopicTailError(f"topic {topic} does not exist: run `backbone topics create`")
        ends = consumer.end_offsets(partitions)
        beginnings = consumer.beginning_offsets(partitions)
        wanted = {tp: ends[tp] - 1 for tp in partitions if ends[tp] > beginnings[tp]}
        if not wanted:
            return None
        consumer.assign(sorted(wanted))
        for partition, last in wanted.items():
            consumer.seek(partition, last)
        tails: list[TopicTail] = []
        deadline = time.monotonic() + TAIL_TIMEOUT_SECONDS
        while wanted and time.monotonic() < deadline:
            for partition, records in consumer.poll(timeout_ms=500).items():
                for record in records:
                    if record.offset == wanted.get(partition):
                        tails.append(_tail(record.headers))
                        del wanted[partition]
        if wanted:
            raise TopicTailError(
                f"the last messages of {topic} did not arrive within {TAIL_TIMEOUT_SECONDS} s"
            )
        return max(tails, key=lambda tail: tail.notification_id)
    finally:
        consumer.close(autocommit=False)


def _tail(headers: list[tuple[str, bytes]]) -> TopicTail:
    attributes = dict(headers)
    try:
        return TopicTail(int(attributes["ce_notificationid"]), attributes["ce_id"].decode())
    except (KeyError, ValueError) as error:
        raise TopicTailError(f"a message without a usable {error} header") from error
