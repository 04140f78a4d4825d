"""Decision's note store: each note a caseworker writes, encrypted (AES-256-GCM) under a key of the
applicant's own, in decision's own database beside its events. Forgetting the applicant destroys the
key, and every note about them becomes unreadable, while the events (which hold codes, never the notes)
still replay: the same crypto-shredding as intake's personal-data vault, with decision's own key table,
so that no service reads another's store.

A note is sealed here and written by the recorder in the transaction of the event it goes with
(``backbone.recorders.SealedNote``); the key it needs is created first, in a transaction of its own: a
key without a note is harmless, a note without its key would be lost.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from backbone.applicant_keys import ApplicantKeys, row_values
from backbone.recorders import NOTES_TABLE, SealedNote
from backbone.sealing import SealBroken, seal, unseal
from backbone.sql_dialect import SqlDialect
from services.decision.domain.notes import CaseNote, NotesErased


class CaseNotes:
    def __init__(self, datastore: Any, *, dialect: SqlDialect, schema: str) -> None:
        self._datastore = datastore
        self._dialect = dialect
        self._p = dialect.placeholder
        self._keys = ApplicantKeys(dialect, schema)
        self._notes = dialect.table(schema, NOTES_TABLE)

    def create_tables(self) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute(self._keys.create_statement())
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self._notes} "
                "(case_id TEXT NOT NULL, version INTEGER NOT NULL, "
                f"applicant_ref TEXT NOT NULL, ciphertext {self._dialect.blob} NOT NULL, "
                "PRIMARY KEY (case_id, version))"
            )

    def seal(self, applicant_ref: str, case_id: UUID, version: int, text: str) -> SealedNote:
        """The note encrypted under the applicant's key (made now if they have none), ready to record."""
        with self._datastore.transaction(commit=True) as cursor:
            key = self._keys.key(cursor, applicant_ref)
        sealed = seal(key, text.encode(), _aad(applicant_ref, str(case_id), version))
        return SealedNote(str(case_id), version, applicant_ref, sealed)

    def read(self, case_id: UUID) -> list[CaseNote]:
        """The case's notes, oldest first; raises ``NotesErased`` once the applicant was forgotten."""
        p = self._p
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT n.version, n.applicant_ref, n.ciphertext, k.key FROM {self._notes} n "
                f"LEFT JOIN {self._keys.table} k ON k.applicant_ref = n.applicant_ref "
                f"WHERE n.case_id = {p} ORDER BY n.version",
                (str(case_id),),
            )
            rows = [row_values(row) for row in cursor.fetchall()]
        if rows and all(key is None for *_, key in rows):
            raise NotesErased(f"the applicant of case {case_id} was forgotten: the case's notes are gone")
        return [_opened(str(case_id), *row) for row in rows]

    def forget(self, applicant_ref: str) -> bool:
        """Destroy the applicant's key; returns whether there was one."""
        with self._datastore.transaction(commit=True) as cursor:
            return self._keys.destroy(cursor, applicant_ref)


def _opened(case_id: str, version: int, applicant_ref: str, sealed: Any, key: Any) -> CaseNote:
    if key is None:
        return CaseNote(version, None)
    try:
        plain = unseal(bytes(key), bytes(sealed), _aad(applicant_ref, case_id, version))
    except SealBroken:  # sealed under a key destroyed before the applicant's present one was made
        return CaseNote(version, None)
    return CaseNote(version, plain.decode())


def _aad(applicant_ref: str, case_id: str, version: int) -> bytes:
    """Binds a note to its case, version and applicant: a ciphertext moved to another row won't open."""
    return f"{applicant_ref}|{case_id}|{version}".encode()
