"""The services' process recorders: the library's own, able to write the rows of several request keys in
the transaction that records the events of a batch of commands.

A single command records its idempotency key as the tracking row of its recording, as the library does.
A batch (``CaseService.batch``) carries one row per command key, passed as ``request_keys``; each is
inserted with the same statement the library uses for tracking, in the same transaction as the events,
so a batch records every key or none. Selected by ``PROCESS_RECORDER_TOPIC`` in ``backbone.stores``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent, Tracking
from eventsourcing.postgres import PostgresProcessRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteProcessRecorder
from psycopg import Cursor
from psycopg.rows import DictRow

REQUEST_KEYS = "request_keys"


def request_keys(kwargs: dict[str, Any]) -> Sequence[Tracking]:
    keys: Sequence[Tracking] = kwargs.get(REQUEST_KEYS, ())
    return keys


class SQLiteCommandRecorder(SQLiteProcessRecorder):
    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        for key in request_keys(kwargs):
            self._insert_tracking(c, key)
        return super()._insert_events(c, stored_events, **kwargs)


class PostgresCommandRecorder(PostgresProcessRecorder):
    def _insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        for key in request_keys(kwargs):
            self._insert_tracking(curs, tracking=key)
        super()._insert_events(curs, stored_events, **kwargs)
