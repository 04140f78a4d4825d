"""The services' process recorders: the library's own, able to write the rows of several request keys in
the transaction that records the events of a batch of commands.

A single command records its idempotency key as the tracking row of its recording, as the library does.
A batch (``CaseService.batch``) carries one row per command key, passed as ``request_keys``. They are
inserted at once, in the same transaction as the events, with a plain INSERT into the tracking table (one
row per key), not the library's tracking upsert: a key that is on record already, for whatever request,
breaks the primary key and the whole batch records nothing. Selected by ``PROCESS_RECORDER_TOPIC`` in
``backbone.stores``.

A command may also carry sealed notes (``notes``): a caseworker's free text, already encrypted by the
service's note store under the applicant's key. They are inserted into the service's ``case_notes``
table in the same transaction, so a note exists exactly when the event it goes with does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from eventsourcing.persistence import StoredEvent, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresProcessRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteProcessRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

REQUEST_KEYS = "request_keys"
NOTES = "notes"
NOTES_TABLE = "case_notes"


@dataclass(frozen=True)
class SealedNote:
    """A note as stored: the case and the version of the event it goes with, whose key sealed it, and
    the ciphertext. Nothing here is readable without the applicant's key."""

    case_id: str
    version: int
    applicant_ref: str
    ciphertext: bytes


def sealed_notes(kwargs: dict[str, Any]) -> list[dict[str, Any]]:
    notes: Sequence[SealedNote] = kwargs.get(NOTES, ())
    return [asdict(note) for note in notes]


_NOTE_COLUMNS = "(case_id, version, applicant_ref, ciphertext)"


def request_keys(kwargs: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the request keys, as the tracking statements take them."""
    keys: Sequence[Tracking] = kwargs.get(REQUEST_KEYS, ())
    return [{"application_name": k.application_name, "notification_id": k.notification_id} for k in keys]


class SQLiteCommandRecorder(SQLiteProcessRecorder):
    insert_request_keys = "INSERT INTO tracking VALUES (:application_name, :notification_id)"
    insert_notes = (
        f"INSERT INTO {NOTES_TABLE} {_NOTE_COLUMNS} "
        "VALUES (:case_id, :version, :applicant_ref, :ciphertext)"
    )

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if rows := request_keys(kwargs):
            c.executemany(self.insert_request_keys, rows)
        if notes := sealed_notes(kwargs):
            c.executemany(self.insert_notes, notes)
        return super()._insert_events(c, stored_events, **kwargs)


class PostgresCommandRecorder(PostgresProcessRecorder):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.insert_request_keys: Composed = SQL(
            "INSERT INTO {0}.{1} VALUES (%(application_name)s, %(notification_id)s)"
        ).format(Identifier(datastore.schema), Identifier(self.tracking_table_name))
        self.insert_notes: Composed = SQL(
            "INSERT INTO {0}.{1} " + _NOTE_COLUMNS + " VALUES "
            "(%(case_id)s, %(version)s, %(applicant_ref)s, %(ciphertext)s)"
        ).format(Identifier(datastore.schema), Identifier(NOTES_TABLE))

    def _insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        if rows := request_keys(kwargs):
            curs.executemany(self.insert_request_keys, rows)
        if notes := sealed_notes(kwargs):
            curs.executemany(self.insert_notes, notes)
        super()._insert_events(curs, stored_events, **kwargs)
