"""The Debezium PostgreSQL connector that captures the legacy case system, as configuration in code.

Kafka Connect gets this dictionary through its REST API (``PUT /connectors/<name>/config``); nothing
about the connector lives in files beside the worker. Settings that worked on this machine:
``../shared/research/components.md``, section "Debezium on Kafka Connect".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backbone.errors import ConfigurationError
from backbone.settings import Settings
from backbone.topics import TopicSpec

CONNECTOR_CLASS = "io.debezium.connector.postgresql.PostgresConnector"
CAPTURED_TABLES = ("public.zaken", "public.zaak_statussen")
# A one-row table of the bridge's own in the legacy database, written by the connector's heartbeat.
# A replication slot keeps the whole server's WAL until its connector confirms a position; while the
# legacy tables are quiet and the server's other databases write, the connector only confirms one if
# something of its own database streams. The heartbeat's write is that something (in the publication,
# so that PostgreSQL sends it). A real legacy database needs its DBA to create the table once.
HEARTBEAT_TABLE = "public.backbone_heartbeat"
HEARTBEAT_DDL = (
    "CREATE TABLE IF NOT EXISTS backbone_heartbeat (id int PRIMARY KEY, beat_at timestamptz NOT NULL)"
)
HEARTBEAT_QUERY = (
    "INSERT INTO backbone_heartbeat (id, beat_at) VALUES (1, now()) "
    "ON CONFLICT (id) DO UPDATE SET beat_at = EXCLUDED.beat_at"
)
JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter"
# The change topics hold the legacy rows, personal data included: kept a week, as Kafka does by default,
# long enough for the bridge to be down over a weekend; after that a new snapshot is needed.
CHANGE_RETENTION_MS = 7 * 24 * 3600 * 1000
# PostgreSQL's rule for replication slot names.
_SLOT_NAME = re.compile(r"^[a-z0-9_]{1,63}$")


@dataclass(frozen=True)
class LegacyCapture:
    """Which connector captures the legacy database, and where its changes go.

    ``topic_prefix`` starts every change topic (``<topic_prefix>.public.zaken``); ``slot_name`` is the
    logical replication slot in the legacy database, which keeps WAL until the connector has read it.
    """

    name: str
    topic_prefix: str
    slot_name: str
    partitions: int
    replication_factor: int = 1
    heartbeat_ms: int = 10_000

    def __post_init__(self) -> None:
        if not _SLOT_NAME.match(self.slot_name):
            raise ConfigurationError(
                f"slot name {self.slot_name!r}: PostgreSQL allows only a-z, 0-9 and _ (at most 63)"
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> LegacyCapture:
        return cls(
            name=f"{settings.topic_prefix}legacy-cases",
            topic_prefix=f"{settings.topic_prefix}legacy",
            slot_name="backbone_legacy",
            partitions=settings.topic_partitions,
        )

    def topic_of(self, table: str) -> str:
        """The change topic of a captured table, e.g. ``zaken``."""
        return f"{self.topic_prefix}.public.{table}"

    def topic_specs(self) -> list[TopicSpec]:
        """The change topics, as the worker would create them; the bridge creates them first, so that
        it can subscribe before the first change (a worker creates a topic with its first record)."""
        return [
            TopicSpec(
                name=self.topic_of(table.rpartition(".")[2]),
                producer="kafka-connect",
                partitions=self.partitions,
                replication_factor=self.replication_factor,
                retention_ms=CHANGE_RETENTION_MS,
                description=f"Debezium's changes of the legacy table {table} (internal: personal data)",
            )
            for table in CAPTURED_TABLES
        ]


def connector_config(settings: Settings, capture: LegacyCapture) -> dict[str, str]:
    """The connector's configuration: an initial snapshot of the captured tables, then streaming
    with ``pgoutput`` (built into PostgreSQL 10+), keys and values as JSON without schemas."""
    return {
        "connector.class": CONNECTOR_CLASS,
        "tasks.max": "1",
        "database.hostname": settings.postgres_host,
        "database.port": str(settings.postgres_port),
        "database.user": settings.postgres_user,
        # A reference the worker resolves (infra/kafka-connect/connect.sh enables the providers):
        # GET /connectors/<name>/config shows the reference, never the password.
        "database.password": settings.legacy_connect_password,
        "database.dbname": settings.legacy_database,
        "plugin.name": "pgoutput",
        "slot.name": capture.slot_name,
        "publication.name": capture.slot_name,
        # Only the captured tables; the role must own them.
        "publication.autocreate.mode": "filtered",
        "table.include.list": ",".join((*CAPTURED_TABLES, HEARTBEAT_TABLE)),
        # Confirm a position now and then however quiet the legacy tables are (see HEARTBEAT_TABLE).
        "heartbeat.interval.ms": str(capture.heartbeat_ms),
        "heartbeat.action.query": HEARTBEAT_QUERY,
        "topic.prefix": capture.topic_prefix,
        "snapshot.mode": "initial",
        # Both tables keyed by zaaknummer, so one case's rows share a partition and keep their order
        # (the history table's own key is its id).
        "message.key.columns": "public.zaak_statussen:zaaknummer",
        # A delete is followed by a tombstone, so compaction can forget the row.
        "tombstones.on.delete": "true",
        # The broker does not auto-create topics: the worker creates them with these.
        "topic.creation.default.replication.factor": str(capture.replication_factor),
        "topic.creation.default.partitions": str(capture.partitions),
        # Not compacted: a history row's tombstone is keyed by its case and must not erase the others.
        "topic.creation.default.cleanup.policy": "delete",
        "key.converter": JSON_CONVERTER,
        "key.converter.schemas.enable": "false",
        "value.converter": JSON_CONVERTER,
        "value.converter.schemas.enable": "false",
    }
