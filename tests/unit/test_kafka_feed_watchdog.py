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


def test_a_consumer_never_assigned_is_restarted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kafka_topics, "NEVER_ASSIGNED_RESTART_SECONDS", 0.0)
    first, second = NeverAssigned({0, 1, 2}), NeverAssigned({0, 1, 2})
    feed = feed_over([first, second])
    assert feed.poll(10, 0) == []
    assert first.closed
    feed.poll(10, 0)  # a fresh consumer joins again (and, at a zero limit, is started over too)
    assert second.closed


def test_a_missing_topic_is_named() -> None:
    with pytest.raises(MissingTopicError, match="topic t does not exist"):
        feed_over([NeverAssigned(set())]).poll(10, 0)
