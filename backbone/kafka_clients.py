"""Kafka clients made from settings, only when called: nothing connects at import time."""

from __future__ import annotations

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

from backbone.settings import Settings

# kafka-python waits up to 30 s between attempts to reach a broker that went away (doubling from 50 ms);
# Java's clients up to 1 s. With 30 s, a relay that lost the broker for 12 s (a restart) tried again
# 11.5 s after it was back, and no case was opened for 16.5 s more than the outage (bench/faults.py).
RECONNECT_BACKOFF_MAX_MS = 1000


def make_producer(settings: Settings, *, client_id: str, compression: str | None = None) -> KafkaProducer:
    """A producer with the relays' settings; ``compression`` overrides ``settings.kafka_compression``."""
    compression = compression or settings.kafka_compression
    return KafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id=f"{settings.kafka_client_id}-{client_id}",
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        batch_size=256 * 1024,
        max_request_size=4 * 1024 * 1024,
        compression_type=None if compression == "none" else compression,
        reconnect_backoff_max_ms=RECONNECT_BACKOFF_MAX_MS,
    )


def make_consumer(
    settings: Settings, *, group_id: str | None, client_id: str, instance_id: str | None = None
) -> KafkaConsumer:
    """``instance_id``: a static member of the group (KIP-345). Restarted with the same id, it takes its
    partitions back at once; without one, the group waits for the old member's session to time out
    before the new one gets any (45 s with Kafka's default session, measured: bench/consumer_restart.py)."""
    return KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id=f"{settings.kafka_client_id}-{client_id}",
        group_id=group_id,
        group_instance_id=instance_id,
        session_timeout_ms=settings.kafka_session_timeout_ms,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=settings.consumer_batch_size,
        reconnect_backoff_max_ms=RECONNECT_BACKOFF_MAX_MS,
    )


def make_admin(settings: Settings) -> KafkaAdminClient:
    return KafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id=f"{settings.kafka_client_id}-admin",
        reconnect_backoff_max_ms=RECONNECT_BACKOFF_MAX_MS,
    )
