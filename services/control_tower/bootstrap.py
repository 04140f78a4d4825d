"""The control tower's composition root: its view store and the feeds that fill it."""

from __future__ import annotations

from collections.abc import Mapping

from eventsourcing.persistence import ApplicationRecorder

from backbone.codec import AvroCodec
from backbone.consumer import TrackedConsumer
from backbone.feeds.kafka_topics import KafkaTopicsFeed
from backbone.feeds.notification_log import NotificationLogFeed
from backbone.feeds.offset_hints import OffsetHints
from backbone.kafka_clients import make_consumer
from backbone.settings import Settings
from backbone.stores import build_view
from infra.topics import topic_of
from services.control_tower.adapters.workload_store import (
    PostgresWorkloadStore,
    SQLiteWorkloadStore,
)
from services.control_tower.projections.workload import WorkloadProjection

SERVICE = "control_tower"
UPSTREAMS = ("intake", "decision")


def build_workload_store(settings: Settings) -> SQLiteWorkloadStore | PostgresWorkloadStore:
    return build_view(SERVICE, settings, SQLiteWorkloadStore, PostgresWorkloadStore)


def build_tower_consumers(
    store: SQLiteWorkloadStore | PostgresWorkloadStore,
    settings: Settings,
    *,
    codec: AvroCodec,
    logs: Mapping[str, ApplicationRecorder] | None = None,
    group_id: str | None = None,
    client_id: str = SERVICE,
) -> list[TrackedConsumer]:
    """Embedded: one consumer per upstream log. Distributed: one consumer of both topics."""
    projection = WorkloadProjection(store)
    if settings.mode == "embedded":
        if logs is None:
            raise ValueError("embedded mode reads the upstream notification logs: pass logs")
        return [
            TrackedConsumer(
                NotificationLogFeed(
                    upstream=upstream,
                    recorder=logs[upstream],
                    codec=codec,
                    positions=projection.max_position,
                ),
                projection,
                batch_size=settings.consumer_batch_size,
            )
            for upstream in UPSTREAMS
        ]
    feed = KafkaTopicsFeed(
        upstreams={
            topic_of(u, settings.topic_partitions, settings.topic_prefix).name: u for u in UPSTREAMS
        },
        consumer_factory=lambda: make_consumer(
            settings, group_id=group_id or f"{settings.topic_prefix}{SERVICE}", client_id=client_id
        ),
        codec=codec,
        hints=OffsetHints(store),
    )
    return [TrackedConsumer(feed, projection, batch_size=settings.consumer_batch_size)]
