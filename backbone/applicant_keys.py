"""A service's table of applicants' keys (``applicant_keys``: applicant_ref, key), the keys its sealed
personal data opens with (``backbone.sealing``). Destroying an applicant's key erases everything sealed
under it in that store. Each service keeps its own table: no service reads another's keys.

The methods take the caller's cursor, so that a key is made or destroyed in the caller's transaction.
"""

from __future__ import annotations

from typing import Any

from backbone.sealing import new_key
from backbone.sql_dialect import SqlDialect

TABLE = "applicant_keys"


class ApplicantKeys:
    def __init__(self, dialect: SqlDialect, schema: str) -> None:
        self._dialect = dialect
        self.table = dialect.table(schema, TABLE)

    def create_statement(self) -> str:
        return (
            f"CREATE TABLE IF NOT EXISTS {self.table} "
            f"(applicant_ref TEXT PRIMARY KEY, key {self._dialect.blob} NOT NULL)"
        )

    def key(self, cursor: Any, applicant_ref: str) -> bytes:
        """The applicant's key, made now if they have none."""
        p = self._dialect.placeholder
        cursor.execute(
            f"INSERT INTO {self.table} (applicant_ref, key) VALUES ({p}, {p}) "
            "ON CONFLICT (applicant_ref) DO NOTHING",
            (applicant_ref, new_key()),
        )
        cursor.execute(f"SELECT key FROM {self.table} WHERE applicant_ref = {p}", (applicant_ref,))
        return bytes(row_values(cursor.fetchone())[0])

    def destroy(self, cursor: Any, applicant_ref: str) -> bool:
        """Destroy the applicant's key; returns whether there was one."""
        p = self._dialect.placeholder
        if self._dialect.secure_delete:
            cursor.execute(self._dialect.secure_delete)  # overwrite the key's bytes on disk
        cursor.execute(f"SELECT 1 FROM {self.table} WHERE applicant_ref = {p}", (applicant_ref,))
        existed = cursor.fetchone() is not None
        cursor.execute(f"DELETE FROM {self.table} WHERE applicant_ref = {p}", (applicant_ref,))
        return existed


def row_values(row: Any) -> tuple[Any, ...]:
    """A fetched row's values, whether the driver gives tuples (SQLite) or dicts (psycopg's dict rows)."""
    return tuple(row.values()) if isinstance(row, dict) else tuple(row)
