"""Decision's composition root: its store, what it consumes, and its relay."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import ApplicationRecorder

from backbone.clock import Clock, SystemClock
from backbone.codec import AvroCodec
from backbone.consumer import TrackedConsumer
from backbone.feeds.base import Feed
from backbone.feeds.kafka_topics import KafkaTopicsFeed
from backbone.feeds.notification_log import NotificationLogFeed
from backbone.feeds.offset_hints import OffsetHints
from backbone.kafka_clients import make_consumer
from backbone.outbox import OutboxRelay
from backbone.settings import Settings
from backbone.stores import store_env
from infra.topics import topic_of
from services.decision.application.decision import APPLICATION_ACCEPTED, Decision

SERVICE = "decision"


def build_decision(settings: Settings, *, codec: AvroCodec, clock: Clock | None = None) -> Decision:
    return Decision(env=store_env(SERVICE, settings), codec=codec, clock=clock or SystemClock())


def build_decision_consumer(
    decision: Decision,
    settings: Settings,
    *,
    codec: AvroCodec,
    intake_log: ApplicationRecorder | None = None,
    group_id: str | None = None,
) -> TrackedConsumer:
    feed: Feed
    if settings.mode == "embedded":
        if intake_log is None:
            raise ValueError("embedded mode reads intake's notification log: pass intake_log")
        feed = NotificationLogFeed(
            upstream="intake",
            recorder=intake_log,
            codec=codec,
            positions=decision.max_position,
            topics=[APPLICATION_ACCEPTED],
        )
    else:
        feed = KafkaTopicsFeed(
            upstreams={topic_of("intake", settings.topic_partitions, settings.topic_prefix).name: "intake"},
            consumer_factory=lambda: make_consumer(
                settings, group_id=group_id or f"{settings.topic_prefix}{SERVICE}", client_id=SERVICE
            ),
            codec=codec,
            hints=OffsetHints(decision.process_recorder),
        )
    return TrackedConsumer(feed, decision, batch_size=settings.consumer_batch_size)


def build_decision_relay(
    decision: Decision, settings: Settings, *, codec: AvroCodec, producer: Any, **options: Any
) -> OutboxRelay:
    return OutboxRelay(
        service=SERVICE,
        recorder=decision.recorder,
        positions=decision.process_recorder,
        codec=codec,
        topic=topic_of(SERVICE, settings.topic_partitions, settings.topic_prefix).name,
        producer=producer,
        batch_size=settings.relay_batch_size,
        **options,
    )
