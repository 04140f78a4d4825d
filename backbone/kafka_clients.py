"""Kafka clients made from settings, only when called: nothing connects at import time.

Every client gets the same TLS and SASL arguments (``_security``) and fails with ``KafkaUnreachable``
when no broker accepts it within ``kafka_connect_timeout_ms``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaTimeoutError

from backbone.errors import KafkaUnreachable
from backbone.settings import Settings

# kafka-python waits up to 30 s between attempts to reach a broker that went away (doubling from 50 ms);
# Java's clients up to 1 s. With 30 s, a relay that lost the broker for 12 s (a restart) tried again
# 11.5 s after it was back, and no case was opened for 16.5 s more than the outage (bench/faults.py).
RECONNECT_BACKOFF_MAX_MS = 1000

Client = TypeVar("Client")


class _Redacted(str):
    """The SASL password as kafka-python needs it (a str), but shown as ``***``: kafka-python logs its
    whole configuration, password included, at debug level when a client starts."""

    __slots__ = ()

    def __repr__(self) -> str:  # str() stays the password: the SASL mechanisms encode it
        return "'***'"


def _security(settings: Settings) -> dict[str, Any]:
    protocol = settings.kafka_security_protocol
    options: dict[str, Any] = {
        "security_protocol": protocol,
        "bootstrap_timeout_ms": settings.kafka_connect_timeout_ms,
        "reconnect_backoff_max_ms": RECONNECT_BACKOFF_MAX_MS,
    }
    if protocol in ("SSL", "SASL_SSL"):
        options["ssl_cafile"] = settings.kafka_ssl_cafile or None
        options["ssl_certfile"] = settings.kafka_ssl_certfile or None
        options["ssl_keyfile"] = settings.kafka_ssl_keyfile or None
    if protocol in ("SASL_PLAINTEXT", "SASL_SSL"):
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism
        options["sasl_plain_username"] = settings.kafka_sasl_username
        options["sasl_plain_password"] = _Redacted(settings.kafka_sasl_password.get_secret_value())
    return options


def _connected(settings: Settings, make: Callable[..., Client], **options: Any) -> Client:
    try:
        return make(bootstrap_servers=settings.kafka_bootstrap, **options, **_security(settings))
    except KafkaTimeoutError as error:
        raise KafkaUnreachable(_unreachable(settings)) from error


def _unreachable(settings: Settings) -> str:
    """Why a client could not start, as far as kafka-python lets us know. It does not say that a broker
    refused the login: 3.0.12 drops the SASL_AUTHENTICATION_FAILED response that arrives together with
    the broker closing the connection, and retries until its timeout."""
    protocol = settings.kafka_security_protocol
    how: str = protocol
    if protocol.startswith("SASL_"):
        how += f", {settings.kafka_sasl_mechanism} as user {settings.kafka_sasl_username!r}"
    checks = ["the bootstrap address"]
    if protocol in ("SSL", "SASL_SSL"):
        checks.append("the CA file")
    if protocol.startswith("SASL_"):
        checks.append("the user and password (the broker logs a refused login)")
    return (
        f"no Kafka broker at {settings.kafka_bootstrap} accepted a connection ({how}) within "
        f"{settings.kafka_connect_timeout_ms / 1000:g} s: check {', '.join(checks)}"
    )


def make_producer(settings: Settings, *, client_id: str, compression: str | None = None) -> KafkaProducer:
    """A producer with the relays' settings; ``compression`` overrides ``settings.kafka_compression``."""
    compression = compression or settings.kafka_compression
    return _connected(
        settings,
        KafkaProducer,
        client_id=f"{settings.kafka_client_id}-{client_id}",
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        batch_size=256 * 1024,
        max_request_size=4 * 1024 * 1024,
        compression_type=None if compression == "none" else compression,
    )


def make_consumer(
    settings: Settings, *, group_id: str | None, client_id: str, instance_id: str | None = None
) -> KafkaConsumer:
    """``instance_id``: a static member of the group (KIP-345). Restarted with the same id, it takes its
    partitions back at once; without one, the group waits for the old member's session to time out
    before the new one gets any (45 s with Kafka's default session, measured: bench/consumer_restart.py)."""
    return _connected(
        settings,
        KafkaConsumer,
        client_id=f"{settings.kafka_client_id}-{client_id}",
        group_id=group_id,
        group_instance_id=instance_id,
        session_timeout_ms=settings.kafka_session_timeout_ms,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=settings.consumer_batch_size,
    )


def make_reader(settings: Settings, *, client_id: str, **fetch: int) -> KafkaConsumer:
    """A consumer in no group, for a caller that assigns partitions and seeks itself (the rebuild, the
    benchmarks); ``fetch``: kafka-python's fetch sizes (``max_poll_records``, ``fetch_max_bytes``...)."""
    return _connected(
        settings,
        KafkaConsumer,
        client_id=f"{settings.kafka_client_id}-{client_id}",
        group_id=None,
        enable_auto_commit=False,
        **fetch,
    )


def make_admin(settings: Settings) -> KafkaAdminClient:
    return _connected(settings, KafkaAdminClient, client_id=f"{settings.kafka_client_id}-admin")
