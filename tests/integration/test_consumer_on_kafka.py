"""The tracked consumer on the real broker: exactly-once effects despite republishing and restarts."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any

import pytest

from backbone.consumer import TrackedConsumer
from backbone.feeds.base import FeedItem
from backbone.feeds.kafka_topics import KafkaTopicsFeed
from backbone.feeds.offset_hints import OffsetHints
from backbone.kafka_clients import make_consumer, make_producer
from backbone.settings import Settings
from backbone.stores import build_view
from composition.parts import build_intake, build_intake_relay
from services.control_tower.adapters.tower_store import (
    PostgresTowerStore,
    SQLiteTowerStore,
)
from services.control_tower.projections.tower_projection import TowerProjection
from services.intake.application.commands import AcceptApplication
from services.topics import topic_of
from tests.factories import a_submission, clock, codec
from tests.kafka_reading import message_count

pytestmark = pytest.mark.kafka
APPLICATIONS = 500
EXACT = {
    "nl.ind.intake.ApplicationSubmitted": APPLICATIONS,
    "nl.ind.intake.ApplicationAccepted": APPLICATIONS,
}


class SimulatedCrash(Exception):
    pass


def publish(settings: Settings, *, crash_after_first_batch: bool = False) -> None:
    intake = build_intake(settings.with_overrides(mode="embedded"), codec=codec(), clock=clock())
    for n in range(APPLICATIONS):
        intake.execute(
            intake.submit_application(a_submission(applicant_ref=f"P-{n:016x}")),
            AcceptApplication(),
        )
    settings = settings.with_overrides(relay_batch_size=200)
    if crash_after_first_batch:

        def crash(_: Sequence[Any]) -> None:
            raise SimulatedCrash("killed before recording the position")

        with make_producer(settings, client_id="doomed") as producer, pytest.raises(SimulatedCrash):
            build_intake_relay(
                intake, settings, codec=codec(), producer=producer, after_publish=crash
            ).publish_pending()
    with make_producer(settings, client_id="relay") as producer:
        build_intake_relay(intake, settings, codec=codec(), producer=producer).publish_pending()


def tower_consumer(settings: Settings, group: str, batch: int = 500) -> TrackedConsumer[FeedItem]:
    store = build_view(
        "control_tower",
        settings.with_overrides(mode="embedded"),
        SQLiteTowerStore,
        PostgresTowerStore,
    )
    feed = KafkaTopicsFeed(
        upstreams={topic_of("intake", 3, settings.topic_prefix).name: "intake"},
        consumer_factory=lambda: make_consumer(settings, group_id=group, client_id=group),
        codec=codec(),
        hints=OffsetHints(store),
    )
    return TrackedConsumer(feed, TowerProjection(store), batch_size=batch)


def consume_until(consumer: TrackedConsumer[FeedItem], read: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while consumer.stats.applied + consumer.stats.skipped < read:
        assert time.monotonic() < deadline, f"stuck at {consumer.stats}"
        consumer.step(timeout=0.5)


def test_a_republished_batch_is_applied_exactly_once(kafka_settings: Settings) -> None:
    publish(kafka_settings, crash_after_first_batch=True)
    topic = topic_of("intake", 3, kafka_settings.topic_prefix).name
    on_the_topic = message_count(kafka_settings, topic)
    assert on_the_topic >= 2 * APPLICATIONS + 200  # the killed relay's batches are there twice
    consumer = tower_consumer(kafka_settings, group=f"tower-{uuid.uuid4().hex[:6]}")
    consume_until(consumer, on_the_topic)
    consumer.feed.close()
    store = consumer.processor.store  # type: ignore[attr-defined]
    assert store.event_counts() == EXACT
    assert consumer.stats.applied == 2 * APPLICATIONS
    assert consumer.stats.skipped == on_the_topic - 2 * APPLICATIONS


def test_a_consumer_restarted_mid_stream_resumes_without_loss_or_duplicates(
    kafka_settings: Settings,
) -> None:
    publish(kafka_settings)
    group = f"tower-{uuid.uuid4().hex[:6]}"
    first = tower_consumer(kafka_settings, group, batch=100)
    consume_until(first, 300)
    first.feed.close()  # stopped mid-stream
    second = tower_consumer(kafka_settings, group, batch=100)  # a new process, same store
    consume_until(second, 2 * APPLICATIONS - first.stats.applied)
    second.feed.close()
    store = second.processor.store  # type: ignore[attr-defined]
    assert store.event_counts() == EXACT
    assert first.stats.applied + second.stats.applied == 2 * APPLICATIONS
    assert second.stats.skipped == 0  # it sought from its own store, not from the beginning
