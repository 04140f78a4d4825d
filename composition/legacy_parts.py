"""The legacy bridge's parts: its application on its own store (``legacy_bridge``), with the pepper of
its applicant references, and the consumer of the change topics. ``System`` puts them together."""

from __future__ import annotations

from eventsourcing.postgres import PostgresDatastore

from backbone.clock import Clock, SystemClock
from backbone.codec import AvroCodec
from backbone.consumer import TrackedConsumer
from backbone.errors import ConfigurationError
from backbone.feeds.base import FeedItem
from backbone.kafka_clients import make_admin, make_consumer
from backbone.pseudonyms import pepper_in
from backbone.runtime import LogOf, Reader, runtime_for
from backbone.settings import Settings
from backbone.topics import ensure_topics
from services.legacy_bridge.adapters.change_feed import DebeziumChangeFeed
from services.legacy_bridge.adapters.mimic_store import LegacyMimicStore
from services.legacy_bridge.application.bridge import LegacyBridge
from services.legacy_bridge.application.change_items import ChangeItem
from services.legacy_bridge.application.cutover_ledger import CutoverLedger
from services.legacy_bridge.application.mimic import LegacyMimic
from services.legacy_bridge.connector import LegacyCapture, connector_config
from services.legacy_bridge.domain.legacy_codes import CASES, STATUS_HISTORY
from services.legacy_bridge.heartbeat import ensure_heartbeat_table
from services.legacy_bridge.kafka_connect import KafkaConnect

LEGACY_BRIDGE, LEGACY_MIMIC = "legacy_bridge", "legacy_mimic"


def pepper_of(settings: Settings) -> bytes:
    """The pseudonym pepper: the setting, or in embedded mode one generated in the data directory."""
    pepper = settings.pseudonym_pepper.get_secret_value()
    if pepper:
        return pepper.encode()
    if not runtime_for(settings).publishes:  # embedded: nothing leaves this machine's data directory
        return pepper_in(settings.data_dir)
    raise ConfigurationError(
        "BACKBONE_PSEUDONYM_PEPPER (or BACKBONE_PSEUDONYM_PEPPER_FILE): the distributed legacy bridge "
        "needs the pepper every service shares; a generated one would give other references"
    )


def build_legacy_bridge(
    settings: Settings, *, codec: AvroCodec, clock: Clock | None = None
) -> LegacyBridge:
    runtime = runtime_for(settings)
    with runtime.creating():
        return LegacyBridge(
            env=runtime.store_env(LEGACY_BRIDGE),
            codec=codec,
            clock=clock or SystemClock(),
            pepper=pepper_of(settings),
        )


def build_cutover_ledger(settings: Settings) -> CutoverLedger:
    """The cutovers' own store (``legacy_cutover``), beside the bridge's."""
    runtime = runtime_for(settings)
    with runtime.creating():
        return CutoverLedger(env=runtime.store_env(CutoverLedger.name))


def build_legacy_consumer(
    bridge: LegacyBridge, settings: Settings, *, group_id: str | None = None, instance_id: str | None = None
) -> TrackedConsumer[ChangeItem]:
    """The bridge's consumer of both change topics, in its consumer group, seeking from its own store."""
    capture = LegacyCapture.from_settings(settings)
    topics = [capture.topic_of(CASES), capture.topic_of(STATUS_HISTORY)]
    group = group_id or f"{settings.topic_prefix}{LEGACY_BRIDGE}"

    def consumer() -> object:
        return make_consumer(settings, group_id=group, client_id=LEGACY_BRIDGE, instance_id=instance_id)

    feed = DebeziumChangeFeed(topics=topics, consumer_factory=consumer, positions=bridge.max_position)
    return TrackedConsumer(feed, bridge, batch_size=settings.consumer_batch_size)


def start_legacy_capture(settings: Settings, capture: LegacyCapture | None = None) -> LegacyCapture:
    """Make the change topics, and put the connector's configuration to Kafka Connect (idempotent: the
    standalone worker forgets its connectors when it restarts) and wait until it runs."""
    capture = capture or LegacyCapture.from_settings(settings)
    admin = make_admin(settings)
    try:
        ensure_topics(admin, capture.topic_specs())
    finally:
        admin.close()
    ensure_heartbeat_table(settings)  # the connector's heartbeat writes there (connector.HEARTBEAT_TABLE)
    connect = KafkaConnect(settings.kafka_connect_url)
    connect.put_config(capture.name, connector_config(settings, capture))
    connect.wait_running(capture.name)
    return capture


def build_legacy_mimic_store(settings: Settings) -> LegacyMimicStore:
    """The mimic's positions and moved cases, in the legacy database itself (beside the rows it writes,
    so that a write and its position are one transaction there)."""
    datastore = PostgresDatastore(
        dbname=settings.legacy_database,
        host=settings.postgres_host,
        port=settings.postgres_port,
        user=settings.postgres_user,
        password=settings.postgres_password.get_secret_value(),
        connect_timeout=10,
        schema="public",
        pool_size=2,
    )
    store = LegacyMimicStore(datastore)
    store.create_table()
    return store


def build_legacy_mimic(
    settings: Settings,
    *,
    codec: AvroCodec,
    decision_topic: str,
    logs: LogOf,
    group_id: str | None = None,
    instance_id: str | None = None,
) -> TrackedConsumer[FeedItem]:
    """The mimic's consumer of decision's events (its topic, or its log), writing to the legacy rows."""
    store = build_legacy_mimic_store(settings)
    reader = Reader(
        {"decision": decision_topic},
        codec=codec,
        tracking=store,
        logs=logs,
        group_id=group_id or f"{settings.topic_prefix}{LEGACY_MIMIC}",
        client_id=LEGACY_MIMIC,
        instance_id=instance_id,
    )
    (feed,) = runtime_for(settings).feeds(reader)
    return TrackedConsumer(feed, LegacyMimic(store), batch_size=settings.consumer_batch_size)
