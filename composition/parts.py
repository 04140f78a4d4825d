"""Each service's parts, built from a runtime: its application on its store, what it consumes, and its
outbox relay. ``System`` (``system.py``) puts them together; nothing connects before it is called."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backbone.access_log import ACCESS_LOG, AccessLog
from backbone.clock import Clock, SystemClock
from backbone.codec import AvroCodec
from backbone.consumer import TrackedConsumer
from backbone.continuity import Continuity
from backbone.errors import ConfigurationError
from backbone.feeds.base import FeedItem
from backbone.feeds.kafka_tail import read_topic_tail
from backbone.migrations import Migrations
from backbone.outbox import OutboxRelay
from backbone.runtime import LogOf, Reader, runtime_for
from backbone.settings import Settings
from ind.routing import GREENFIELD, RoutingTable, RoutingTableError
from services.control_tower.adapters.tower_store import TowerStore
from services.control_tower.projections.tower_projection import TowerProjection
from services.decision.adapters.case_notes import CaseNotes
from services.decision.application.decision import APPLICATION_ACCEPTED, Decision
from services.intake.adapters.personal_data_vault import PersonalDataVault, vault_migrations
from services.intake.application.intake import Intake
from services.topics import TOWER_SOURCES, topic_of

INTAKE, DECISION, TOWER = "intake", "decision", "control_tower"


def build_intake(settings: Settings, *, codec: AvroCodec, clock: Clock | None = None) -> Intake:
    runtime = runtime_for(settings)
    with runtime.creating():
        intake = Intake(env=runtime.store_env(INTAKE), codec=codec, clock=clock or SystemClock())
        datastore = intake.factory.datastore  # type: ignore[attr-defined]
        vault_migrations_of(settings).apply()  # under ``creating``, as the store's other tables
        intake.vault = PersonalDataVault(datastore, dialect=runtime.dialect, schema=INTAKE)
    intake.routing = routing_of(settings)
    return intake


def routing_of(settings: Settings) -> RoutingTable:
    """The routing table the settings name (``BACKBONE_ROUTING_FILE``), or the greenfield one."""
    if settings.routing_file is None:
        return GREENFIELD
    try:
        return RoutingTable.read(settings.routing_file)
    except RoutingTableError as error:
        raise ConfigurationError(f"BACKBONE_ROUTING_FILE: {error}") from error


def vault_migrations_of(settings: Settings) -> Migrations:
    """The personal-data vault's migrations, on intake's store in ``settings``' mode."""
    runtime = runtime_for(settings)
    return vault_migrations(runtime.migration_database(INTAKE), runtime.dialect)


def build_decision(settings: Settings, *, codec: AvroCodec, clock: Clock | None = None) -> Decision:
    runtime = runtime_for(settings)
    with runtime.creating():
        decision = Decision(env=runtime.store_env(DECISION), codec=codec, clock=clock or SystemClock())
        datastore = decision.factory.datastore  # type: ignore[attr-defined]
        decision.notes = CaseNotes(datastore, dialect=runtime.dialect, schema=DECISION)
        decision.notes.create_tables()
    return decision


def build_access_log(settings: Settings, *, codec: AvroCodec, clock: Clock | None = None) -> AccessLog:
    """The access log's own store (``access_log``): never relayed, read by auditors."""
    runtime = runtime_for(settings)
    with runtime.creating():
        return AccessLog(env=runtime.store_env(ACCESS_LOG), codec=codec, clock=clock or SystemClock())


def guard_against_its_topic(service: str, application: Any, settings: Settings) -> None:
    """Distributed mode: check ``service``'s store against its topic's tail before it records or
    publishes (``backbone.continuity``); checked once a process has learnt the tail."""
    topic = topic_name(service, settings)
    application.continuity = Continuity(
        service, topic, application.recorder, lambda: read_topic_tail(settings, topic)
    )


def build_relay(
    service: str, application: Any, settings: Settings, *, codec: AvroCodec, producer: Any, **options: Any
) -> OutboxRelay:
    """``service``'s outbox relay: its notification log to its topic, positions in its own store."""
    return OutboxRelay(
        service=service,
        recorder=application.recorder,
        positions=application.factory.tracking_recorder(),
        codec=codec,
        topic=topic_name(service, settings),
        producer=producer,
        batch_size=settings.relay_batch_size,
        continuity=application.continuity if producer is not None else None,
        **options,
    )


def build_intake_relay(
    intake: Intake, settings: Settings, *, codec: AvroCodec, producer: Any, **options: Any
) -> OutboxRelay:
    return build_relay(INTAKE, intake, settings, codec=codec, producer=producer, **options)


def build_decision_relay(
    decision: Decision, settings: Settings, *, codec: AvroCodec, producer: Any, **options: Any
) -> OutboxRelay:
    return build_relay(DECISION, decision, settings, codec=codec, producer=producer, **options)


def build_decision_consumer(
    decision: Decision,
    settings: Settings,
    *,
    codec: AvroCodec,
    intake_log: Any = None,
    logs: LogOf | None = None,
    group_id: str | None = None,
    instance_id: str | None = None,
) -> TrackedConsumer[FeedItem]:
    """Decision reads intake's accepted applications (its log, or its topic) and opens their cases."""
    reader = Reader(
        {INTAKE: topic_name(INTAKE, settings)},
        codec=codec,
        tracking=decision.process_recorder,
        logs=logs or _given_logs({INTAKE: intake_log}),
        group_id=group_id or f"{settings.topic_prefix}{DECISION}",
        client_id=DECISION,
        only=[APPLICATION_ACCEPTED],
        instance_id=instance_id,
    )
    (feed,) = runtime_for(settings).feeds(reader)
    return TrackedConsumer(feed, decision, batch_size=settings.consumer_batch_size)


def build_tower_consumers(
    store: TowerStore,
    settings: Settings,
    *,
    codec: AvroCodec,
    logs: Mapping[str, Any] | LogOf | None = None,
    group_id: str | None = None,
    client_id: str = TOWER,
    instance_id: str | None = None,
) -> list[TrackedConsumer[FeedItem]]:
    """The consumers that fill the tower's views from every producing service and the legacy bridge."""
    projection = TowerProjection(store)
    reader = Reader(
        {service: topic_name(service, settings) for service in TOWER_SOURCES},
        codec=codec,
        tracking=store,
        logs=logs if callable(logs) else _given_logs(logs or {}),
        group_id=group_id or f"{settings.topic_prefix}{TOWER}",
        client_id=client_id,
        instance_id=instance_id,
    )
    feeds = runtime_for(settings).feeds(reader)
    return [TrackedConsumer(feed, projection, batch_size=settings.consumer_batch_size) for feed in feeds]


def topic_name(service: str, settings: Settings) -> str:
    return topic_of(service, settings.topic_partitions, settings.topic_prefix).name


def _given_logs(logs: Mapping[str, Any]) -> LogOf:
    def log_of(service: str) -> Any:
        if logs.get(service) is None:
            raise ValueError(f"embedded mode reads {service}'s notification log: pass it")
        return logs[service]

    return log_of
