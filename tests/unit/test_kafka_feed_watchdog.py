"""A consumer the group never gives a partition is started over (kafka-python 3.0.12 can hang in a join)."""

from __future__ import annotations

from typing import Any

import pytest

from backbone.feeds import kafka_topics
from backbone.feeds.kafka_topics import KafkaTopicsFeed, MissingTopicError
from tests.factories import codec


class NeverAssigned:
    """Stands in for a KafkaConsumer stuck in its group join: it never gets a partition."""

    def __init__(self, partitions: set[int]) -> None:
        self.partitions, self.closed = partitions, False

    def partitions_for_topic(self, topic: str) -> set[int]:
        return self.partitions

    def subscribe(self, topics: list[str], listener: Any) -> None: ...

    def topics(self) -> set[str]:
        return {"t"}

    def poll(self, timeout_ms: int, max_records: int) -> dict[Any, Any]:
        return {}

    def assignment(self) -> set[Any]:
        return set()

    def close(self, autocommit: bool) -> None:
        self.closed = True


def feed_over(consumers: list[NeverAssigned]) -> KafkaTopicsFeed:
    made = iter(consumers)
    return KafkaTopicsFeed(
        upstreams={"t": "intake"}, consumer_factory=lambda: next(made), codec=codec(), hints=None
    )  # type: ignore[arg-type, return-value]


def test_a_consumer_that_never_settles_in_its_group_is_restarted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kafka_topics, "UNSETTLED_RESTART_SECONDS", 0.0)
    first, second = NeverAssigned({0, 1, 2}), NeverAssigned({0, 1, 2})
    feed = feed_over([first, second])
    assert feed.poll(10, 0) == []  # unsettled from now on
    assert feed.poll(10, 0) == []  # and past the limit: started over
    assert first.closed
    feed.poll(10, 0)  # a fresh consumer joins again
    assert feed.consumer is second and not second.closed


class Stuck(NeverAssigned):
    """A consumer whose coordinator hangs in a rebalance while it still lists old partitions."""

    class _Coordinator:
        state = "<rebalancing>"

    _coordinator = _Coordinator()

    def assignment(self) -> set[Any]:
        return {0}


class Settled(NeverAssigned):
    """A settled member of a group with more members than partitions: nothing to read, nothing wrong."""

    class _Coordinator:
        state = "<stable>"

    _coordinator = _Coordinator()


def test_a_consumer_stuck_rebalancing_is_restarted_but_a_settled_idle_one_is_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kafka_topics, "UNSETTLED_RESTART_SECONDS", 0.0)
    stuck, fresh = Stuck({0}), Settled({0})
    feed = feed_over([stuck, fresh])
    feed.poll(10, 0)
    feed.poll(10, 0)
    assert stuck.closed
    for _ in range(3):
        feed.poll(10, 0)
    assert not fresh.closed


def test_a_missing_topic_is_named() -> None:
    with pytest.raises(MissingTopicError, match="topic t does not exist"):
        feed_over([NeverAssigned(set())]).poll(10, 0)


class Behind(Settled):
    """Assigned partitions 0 and 1 of topic t: ends at 10 and 4, read up to 7 and 4."""

    def assignment(self) -> set[Any]:
        from kafka import TopicPartition

        return {TopicPartition("t", 0), TopicPartition("t", 1)}

    def end_offsets(self, partitions: list[Any]) -> dict[Any, int]:
        return {tp: (10 if tp.partition == 0 else 4) for tp in partitions}

    def position(self, tp: Any) -> int:
        return 7 if tp.partition == 0 else 4


def test_the_backlog_per_partition_is_end_offset_minus_position() -> None:
    feed = feed_over([Behind({0, 1})])
    feed.poll(10, 0)
    assert feed.backlog() == {"intake:p0": 3, "intake:p1": 0}
