"""The control tower's views in SQLite (embedded) or PostgreSQL (distributed): how each database names
the tables, and their schema version. The tables are written in ``tower_writes.py`` and read in
``tower_queries.py``.

Rows and the tracking position are written in one transaction of the view's own database.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder
from psycopg.sql import SQL, Identifier

from backbone.sql_dialect import POSTGRES, SQLITE
from services.control_tower.adapters.tower_queries import TowerQueries
from services.control_tower.adapters.tower_writes import TowerWrites

# Bump when the tower's tables change: a store finding another version drops its tables and its
# positions, and the consumers rebuild every view from the beginning of the streams.
VIEW_SCHEMA_VERSION = 9  # 9: which system owns a case a cutover moved (projections/ownership.py)


def _reset_if_outdated(cursor: Any, tables: list[str], p: str, tracking: str) -> bool:
    """Drop the views of an older schema version; returns whether they must be created again."""
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {tables[0]} (version INTEGER NOT NULL)")
    cursor.execute(f"SELECT version FROM {tables[0]}")
    row = cursor.fetchone()
    found = None if row is None else (row["version"] if isinstance(row, dict) else row[0])
    if found == VIEW_SCHEMA_VERSION:
        return False
    for table in tables[1:]:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"DELETE FROM {tracking} WHERE application_name <> {p}", ("__migration__",))
    cursor.execute(f"DELETE FROM {tables[0]}")
    cursor.execute(f"INSERT INTO {tables[0]} (version) VALUES ({p})", (VIEW_SCHEMA_VERSION,))
    return True


class SQLiteTowerStore(TowerWrites, TowerQueries, SQLiteTrackingRecorder):
    dialect = SQLITE

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.create_table_statements.extend(self.name_tables(lambda name: name, "?", "tracking"))

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as cursor:
            rebuilt = _reset_if_outdated(cursor, self.version_tables, "?", self.positions_table)
        if rebuilt:
            super().create_table()


class PostgresTowerStore(TowerWrites, TowerQueries, PostgresTrackingRecorder):
    dialect = POSTGRES

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        schema = Identifier(self.datastore.schema)

        def qualify(name: str) -> str:
            return SQL("{}.{}").format(schema, Identifier(name)).as_string()

        statements = self.name_tables(qualify, "%s", qualify(self.tracking_table_name))
        self.sql_create_statements.extend(SQL(s) for s in statements)  # type: ignore[misc]

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as cursor:
            rebuilt = _reset_if_outdated(cursor, self.version_tables, "%s", self.positions_table)
        if rebuilt:
            super().create_table()


TowerStore = SQLiteTowerStore | PostgresTowerStore  # the tower's store, in either database
