"""Where each service keeps its events and views: one SQLite file (embedded) or one PostgreSQL schema
(distributed) per service. Only the composition roots call this."""

from __future__ import annotations

from typing import Any, TypeVar, cast

import psycopg
from eventsourcing.persistence import InfrastructureFactory, TrackingRecorder
from eventsourcing.utils import Environment

from backbone.settings import Settings

View = TypeVar("View", bound=TrackingRecorder)


def store_env(service: str, settings: Settings) -> dict[str, str]:
    """The eventsourcing environment for ``service``'s store."""
    if settings.mode == "embedded":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(settings.data_dir / f"{service}.sqlite"),
            "SQLITE_LOCK_TIMEOUT": "30",
            "PROCESS_RECORDER_TOPIC": "backbone.recorders:SQLiteCommandRecorder",
        }
    ensure_postgres_schema(settings, service)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": settings.postgres_dbname,
        "POSTGRES_HOST": settings.postgres_host,
        "POSTGRES_PORT": str(settings.postgres_port),
        "POSTGRES_USER": settings.postgres_user,
        "POSTGRES_PASSWORD": settings.postgres_password.get_secret_value(),
        "POSTGRES_SCHEMA": service,
        "POSTGRES_POOL_SIZE": str(settings.postgres_pool_size),
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "PROCESS_RECORDER_TOPIC": "backbone.recorders:PostgresCommandRecorder",
    }


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


def build_view(name: str, settings: Settings, sqlite_class: type[View], postgres_class: type[Any]) -> View:
    """A view (a tracking recorder with tables of its own) in ``name``'s store."""
    env = Environment(name, store_env(name, settings))
    factory = InfrastructureFactory.construct(env)
    view_class = sqlite_class if settings.mode == "embedded" else postgres_class
    view = cast(View, factory.tracking_recorder(view_class))
    view.factory = factory  # type: ignore[attr-defined]  # keep the pool alive with the view
    return view


def upstream_recorder(service: str, settings: Settings) -> Any:
    """A reader of another service's notification log (embedded mode reads it directly)."""
    factory = InfrastructureFactory.construct(Environment(service, store_env(service, settings)))
    recorder = factory.application_recorder()
    recorder.factory = factory  # type: ignore[attr-defined]  # keep the pool alive with it
    return recorder
