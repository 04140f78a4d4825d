"""Shorthands for scripts and tests that hold settings rather than a runtime: where a service keeps its
events and views (see ``backbone.runtime``, which decides it)."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from eventsourcing.persistence import TrackingRecorder

from backbone.runtime import ensure_postgres_schema, postgres_dsn, runtime_for
from backbone.settings import Settings

View = TypeVar("View", bound=TrackingRecorder)

__all__ = ["build_view", "ensure_postgres_schema", "postgres_dsn", "store_env", "upstream_recorder"]


def store_env(service: str, settings: Settings) -> dict[str, str]:
    """The eventsourcing environment for ``service``'s store."""
    return runtime_for(settings).store_env(service)


def build_view(name: str, settings: Settings, sqlite_class: type[View], postgres_class: type[Any]) -> View:
    """A view (a tracking recorder with tables of its own) in ``name``'s store."""
    classes = {"sqlite": sqlite_class, "postgres": postgres_class}
    return cast(View, runtime_for(settings).tracking_store(name, classes))


def upstream_recorder(service: str, settings: Settings) -> Any:
    """A reader of another service's notification log (embedded mode reads it directly)."""
    return runtime_for(settings).log_reader(service)
