"""The mode, decided once: where each service keeps its store, which SQL dialect it speaks, how a
consumer reads its upstreams, and whether the outbox is published.

Embedded (the default): one SQLite file per store in the data directory, and a consumer reads each
upstream's notification log directly. Distributed: one PostgreSQL schema per store, and a consumer
reads the upstreams' Kafka topics, which outbox relays fill. Everything else is one code path; a part
that differs between the modes asks the runtime instead of looking at the mode.
"""

from __future__ import annotations

import sqlite3
import threading
import urllib.parse
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import psycopg
from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory, TrackingRecorder
from eventsourcing.utils import Environment
from yoyo.connections import DatabaseURI

from backbone.codec import AvroCodec
from backbone.feeds.base import Feed, PositionLookup
from backbone.feeds.kafka_topics import KafkaTopicsFeed
from backbone.feeds.notification_log import NotificationLogFeed
from backbone.feeds.offset_hints import OffsetHints
from backbone.kafka_clients import make_consumer
from backbone.outbox import relay_tracking_name
from backbone.settings import Settings
from backbone.sql_dialect import POSTGRES, SQLITE, SqlDialect

View = TypeVar("View", bound=TrackingRecorder)
LogOf = Callable[[str], ApplicationRecorder]  # a producing service -> its notification log


@dataclass(frozen=True)
class Reader:
    """A consumer, as the runtime makes its feeds: what it reads (producing service -> its topic), where
    its positions are, the upstream logs (embedded), and its consumer group and client id (distributed).
    """

    upstreams: Mapping[str, str]
    codec: AvroCodec
    tracking: TrackingRecorder
    logs: LogOf
    group_id: str
    client_id: str
    only: Sequence[str] = ()  # only these event types (embedded reads the log by type)
    instance_id: str | None = None  # a static member of its group, known again after a restart


class Runtime(ABC):
    mode: str
    dialect: SqlDialect
    publishes: bool  # whether outboxes are relayed to topics (and topics are there to compare with)
    one_process: bool  # whether every service and consumer runs in the process that serves

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @abstractmethod
    def store_env(self, store: str) -> dict[str, str]:
        """The eventsourcing environment of ``store`` (a service's, or a view's)."""

    @abstractmethod
    def where(self, store: str) -> str:
        """Where ``store`` is, for a person reading a message."""

    @abstractmethod
    def connect(self, store: str) -> Any:
        """A plain autocommit connection to ``store``, for a small table of its own."""

    @abstractmethod
    def migration_database(self, store: str) -> DatabaseURI:
        """``store`` as yoyo-migrations opens it (``backbone.migrations``)."""

    @abstractmethod
    def drop_store(self, store: str) -> None:
        """Delete ``store`` and everything in it."""

    @abstractmethod
    def feeds(self, reader: Reader) -> list[Feed]:
        """What ``reader`` reads of its upstreams: embedded, each upstream's log (only the event types
        ``reader.only``, if given); distributed, one consumer of every upstream topic in its group."""

    @abstractmethod
    def published_up_to(self, topic: str, tracking: TrackingRecorder, head: int) -> int:
        """How far a log whose head is ``head`` has been published to ``topic``."""

    @contextmanager
    def creating(self) -> Iterator[None]:
        """Around building a store, whose tables are created when missing: one process at a time
        creates them, so processes started together on an empty database do not die of each other's
        concurrent CREATE. Re-entrant within a process."""
        yield

    def tracking_store(self, store: str, classes: Mapping[str, type[Any]]) -> Any:
        """A tracking recorder with tables of its own in ``store``: ``classes`` by dialect name."""
        with self.creating():
            factory = InfrastructureFactory.construct(Environment(store, self.store_env(store)))
            view = factory.tracking_recorder(classes[self.dialect.name])
        view.factory = factory  # type: ignore[attr-defined]  # keep the pool alive with the view
        return view

    def log_reader(self, service: str) -> ApplicationRecorder:
        """A reader of ``service``'s notification log, apart from the service itself."""
        with self.creating():
            factory = InfrastructureFactory.construct(Environment(service, self.store_env(service)))
            recorder = factory.application_recorder()
        recorder.factory = factory  # type: ignore[attr-defined]  # keep the pool alive with it
        return recorder


class EmbeddedRuntime(Runtime):
    mode, dialect, publishes, one_process = "embedded", SQLITE, False, True

    def store_env(self, store: str) -> dict[str, str]:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(self._file(store)),
            "SQLITE_LOCK_TIMEOUT": "30",
            "PROCESS_RECORDER_TOPIC": "backbone.recorders:SQLiteCommandRecorder",
        }

    def where(self, store: str) -> str:
        return str(self.settings.data_dir)

    def connect(self, store: str) -> Any:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return sqlite3.connect(
            self._file(store),
            timeout=30,
            isolation_level=None,
            check_same_thread=False,  # the caller serialises its use, from any thread
        )

    def migration_database(self, store: str) -> DatabaseURI:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        # yoyo opens file:<database>?cache=shared: the path is quoted as SQLite's URIs want it.
        database = urllib.parse.quote(str(self._file(store).resolve()))
        return DatabaseURI("sqlite", None, None, None, None, database, {})

    def drop_store(self, store: str) -> None:
        for path in Path(self.settings.data_dir).glob(f"{store}.sqlite*"):
            path.unlink(missing_ok=True)

    def feeds(self, reader: Reader) -> list[Feed]:
        positions: PositionLookup = reader.tracking.max_tracking_id
        return [
            NotificationLogFeed(
                upstream=service,
                recorder=reader.logs(service),
                codec=reader.codec,
                positions=positions,
                topics=reader.only,
            )
            for service in reader.upstreams
        ]

    def published_up_to(self, topic: str, tracking: TrackingRecorder, head: int) -> int:
        return head  # nothing is relayed: the log is what consumers read

    def _file(self, store: str) -> Path:
        return self.settings.data_dir / f"{store}.sqlite"


class DistributedRuntime(Runtime):
    mode, dialect, publishes, one_process = "distributed", POSTGRES, True, False

    def store_env(self, store: str) -> dict[str, str]:
        ensure_postgres_schema(self.settings, store)
        settings = self.settings
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": settings.postgres_dbname,
            "POSTGRES_HOST": settings.postgres_host,
            "POSTGRES_PORT": str(settings.postgres_port),
            "POSTGRES_USER": settings.postgres_user,
            "POSTGRES_PASSWORD": settings.postgres_password.get_secret_value(),
            "POSTGRES_SCHEMA": store,
            "POSTGRES_POOL_SIZE": str(settings.postgres_pool_size),
            "POSTGRES_CONNECT_TIMEOUT": "10",
            "PROCESS_RECORDER_TOPIC": "backbone.recorders:PostgresCommandRecorder",
        }

    def where(self, store: str) -> str:
        return f"{store}'s PostgreSQL store"

    def connect(self, store: str) -> Any:
        ensure_postgres_schema(self.settings, store)
        return psycopg.connect(postgres_dsn(self.settings), autocommit=True)

    def migration_database(self, store: str) -> DatabaseURI:
        ensure_postgres_schema(self.settings, store)
        settings = self.settings
        return DatabaseURI(
            "postgresql+psycopg",
            settings.postgres_user,
            settings.postgres_password.get_secret_value(),
            settings.postgres_host,
            settings.postgres_port,
            settings.postgres_dbname,
            {"schema": store, "connect_timeout": "10"},  # yoyo sets the search path to the schema
        )

    def drop_store(self, store: str) -> None:
        with psycopg.connect(postgres_dsn(self.settings), autocommit=True) as connection:
            connection.execute(
                psycopg.sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(psycopg.sql.Identifier(store))
            )

    def feeds(self, reader: Reader) -> list[Feed]:
        settings = self.settings

        def consumer() -> Any:
            return make_consumer(
                settings,
                group_id=reader.group_id,
                client_id=reader.client_id,
                instance_id=reader.instance_id,
            )

        return [
            KafkaTopicsFeed(
                upstreams={topic: service for service, topic in reader.upstreams.items()},
                consumer_factory=consumer,
                codec=reader.codec,
                hints=OffsetHints(reader.tracking),
            )
        ]

    def published_up_to(self, topic: str, tracking: TrackingRecorder, head: int) -> int:
        return tracking.max_tracking_id(relay_tracking_name(topic)) or 0

    @contextmanager
    def creating(self) -> Iterator[None]:
        """PostgreSQL's ``CREATE ... IF NOT EXISTS`` is not safe against itself (two sessions both see
        the table missing and one fails on pg_type's unique index), so the creators of one database
        take turns under a session advisory lock."""
        with _creating_here:
            if _creating_here.depth:
                _creating_here.depth += 1
                try:
                    yield
                finally:
                    _creating_here.depth -= 1
                return
            with psycopg.connect(postgres_dsn(self.settings), autocommit=True) as connection:
                connection.execute("SELECT pg_advisory_lock(%s)", (CREATING_LOCK,))
                _creating_here.depth = 1
                try:
                    yield
                finally:
                    _creating_here.depth = 0
                    connection.execute("SELECT pg_advisory_unlock(%s)", (CREATING_LOCK,))


class _CreatingHere:
    """This process's share of the creators' lock: one thread at a time, re-entrant, with its depth."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.depth = 0

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *_: object) -> None:
        self._lock.release()


_creating_here = _CreatingHere()
CREATING_LOCK = 0x6261636B626F6E65  # "backbone": the advisory lock key of the store creators


def runtime_for(settings: Settings) -> Runtime:
    """The runtime of ``settings.mode``: the one place the mode is looked at."""
    runtime_class = EmbeddedRuntime if settings.mode == "embedded" else DistributedRuntime
    return cast(Runtime, runtime_class(settings))


def postgres_dsn(settings: Settings) -> str:
    return (
        f"host={settings.postgres_host} port={settings.postgres_port} "
        f"user={settings.postgres_user} dbname={settings.postgres_dbname} "
        f"password={settings.postgres_password.get_secret_value()} connect_timeout=10"
    )


def ensure_postgres_schema(settings: Settings, schema: str) -> None:
    with psycopg.connect(postgres_dsn(settings), autocommit=True) as connection:
        try:
            connection.execute(
                psycopg.sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(psycopg.sql.Identifier(schema))
            )
        except psycopg.errors.UniqueViolation:
            pass  # another process created it at the same moment
