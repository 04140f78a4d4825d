"""The connector's replication slot in the legacy database. Deleting a connector leaves its slot,
and a slot keeps every WAL segment from its position on: a connector that is gone for good must
have its slot dropped (and a database with a logical slot in it cannot be dropped at all)."""

from __future__ import annotations

import time

import psycopg

from backbone.errors import BackboneError
from backbone.runtime import postgres_dsn
from backbone.settings import Settings


class SlotInUse(BackboneError):
    """The slot is still held by a connection that would not end in time."""


def drop_replication_slot(settings: Settings, slot_name: str, timeout: float = 30.0) -> bool:
    """Drop the slot in the legacy database; False when there was none. A connection still streaming
    from it (a connector's task that is stopping) is ended first; only the same role may do so."""
    dsn = postgres_dsn(settings.with_overrides(postgres_dbname=settings.legacy_database))
    deadline = time.monotonic() + timeout
    with psycopg.connect(dsn, autocommit=True) as connection:
        while True:
            row = connection.execute(
                "SELECT active_pid FROM pg_replication_slots WHERE slot_name = %s", (slot_name,)
            ).fetchone()
            if row is None:
                return False
            if row[0] is not None:
                connection.execute("SELECT pg_terminate_backend(%s)", (row[0],))
            try:
                connection.execute("SELECT pg_drop_replication_slot(%s)", (slot_name,))
                return True
            except psycopg.errors.ObjectInUse as error:
                if time.monotonic() > deadline:
                    raise SlotInUse(f"replication slot {slot_name} is still in use") from error
                time.sleep(0.2)
