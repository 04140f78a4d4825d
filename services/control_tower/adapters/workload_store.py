"""The control tower's views in SQLite (embedded) or PostgreSQL (distributed): the table names and
their creation for each database; what is done with them is in ``tower_tables.py``.

Rows and the tracking position are written in one transaction of the view's own database.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder
from psycopg.sql import SQL, Identifier

from services.control_tower.adapters.case_facts_table import CaseFactsTable
from services.control_tower.adapters.tower_sql import (
    ADD_STAGE_TIME,
    ADD_TIMELINE,
    COUNT_EVENT,
    CREATE_FRESHNESS,
    CREATE_STAGE_TIME,
    CREATE_TIMELINE,
    UPSERT_CASE,
    UPSERT_FRESHNESS,
)
from services.control_tower.adapters.tower_tables import TowerTables

# Bump when the tower's tables change: a store finding another version drops its tables and its
# positions, and the consumers rebuild every view from the beginning of the streams.
VIEW_SCHEMA_VERSION = 6


def _reset_if_outdated(store: Any, cursor: Any, tables: list[str], p: str, tracking: str) -> bool:
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


class SQLiteWorkloadStore(TowerTables, SQLiteTrackingRecorder):
    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self._cases, self._counts = "tower_cases", "tower_event_counts"
        self._upsert = UPSERT_CASE.format(cases="tower_cases", p="?")
        self._count = COUNT_EVENT.format(counts="tower_event_counts", p="?")
        self.facts = CaseFactsTable("tower_case_facts", "tower_cases", "?")
        self.positions_table, self.freshness_table, self.placeholder = "tracking", "tower_freshness", "?"
        self._freshness_sql = UPSERT_FRESHNESS.format(table="tower_freshness", p="?")
        self.stage_time_table, self.timeline_table = "tower_stage_time", "tower_timeline"
        self._stage_time_sql = ADD_STAGE_TIME.format(table="tower_stage_time", p="?")
        self._timeline_sql = ADD_TIMELINE.format(table="tower_timeline", p="?")

    def create_table(self) -> None:
        super().create_table()
        tables = [
            "tower_view_version",
            "tower_cases",
            "tower_event_counts",
            "tower_case_facts",
            "tower_freshness",
            "tower_stage_time",
            "tower_timeline",
        ]
        with self.datastore.transaction(commit=True) as cursor:
            rebuilt = _reset_if_outdated(self, cursor, tables, "?", "tracking")
        if rebuilt:
            super().create_table()

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            "CREATE TABLE IF NOT EXISTS tower_cases (case_id TEXT PRIMARY KEY, procedure TEXT, "
            "stage TEXT NOT NULL, is_open BOOLEAN NOT NULL, stage_rank INTEGER NOT NULL, "
            "stage_since TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS tower_event_counts (stream TEXT NOT NULL, "
            "event_type TEXT NOT NULL, events INTEGER NOT NULL, PRIMARY KEY (stream, event_type))",
            CaseFactsTable("tower_case_facts", "tower_cases", "?").create_statement(),
            CREATE_FRESHNESS.format(table="tower_freshness"),
            CREATE_STAGE_TIME.format(table="tower_stage_time"),
            CREATE_TIMELINE.format(table="tower_timeline"),
        ]


class PostgresWorkloadStore(TowerTables, PostgresTrackingRecorder):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        schema = Identifier(self.datastore.schema)
        cases = SQL("{}.tower_cases").format(schema).as_string()
        counts = SQL("{}.tower_event_counts").format(schema).as_string()
        self._cases, self._counts = cases, counts
        self._upsert = UPSERT_CASE.format(cases=cases, p="%s")
        self._count = COUNT_EVENT.format(counts=counts, p="%s")
        clocks = SQL("{}.tower_case_facts").format(schema).as_string()
        self.facts = CaseFactsTable(clocks, cases, "%s")
        self.positions_table = SQL("{}.{}").format(schema, Identifier(self.tracking_table_name)).as_string()
        self.freshness_table = SQL("{}.tower_freshness").format(schema).as_string()
        self.placeholder = "%s"
        self._freshness_sql = UPSERT_FRESHNESS.format(table=self.freshness_table, p="%s")
        self.stage_time_table = SQL("{}.tower_stage_time").format(schema).as_string()
        self.timeline_table = SQL("{}.tower_timeline").format(schema).as_string()
        self._stage_time_sql = ADD_STAGE_TIME.format(table=self.stage_time_table, p="%s")
        self._timeline_sql = ADD_TIMELINE.format(table=self.timeline_table, p="%s")
        self.sql_create_statements.extend(
            [
                SQL(  # type: ignore[list-item]
                    f"CREATE TABLE IF NOT EXISTS {cases} (case_id text PRIMARY KEY, "
                    "procedure text, stage text NOT NULL, is_open boolean NOT NULL, "
                    "stage_rank bigint NOT NULL, stage_since text NOT NULL)"
                ),
                SQL(  # type: ignore[list-item]
                    f"CREATE TABLE IF NOT EXISTS {counts} (stream text NOT NULL, event_type text NOT NULL, "
                    "events bigint NOT NULL, PRIMARY KEY (stream, event_type))"
                ),
                SQL(self.facts.create_statement()),  # type: ignore[list-item]
                SQL(CREATE_FRESHNESS.format(table=self.freshness_table)),  # type: ignore[list-item]
                SQL(CREATE_STAGE_TIME.format(table=self.stage_time_table)),  # type: ignore[list-item]
                SQL(CREATE_TIMELINE.format(table=self.timeline_table)),  # type: ignore[list-item]
            ]
        )

    def create_table(self) -> None:
        super().create_table()
        schema = Identifier(self.datastore.schema)
        tables = [
            SQL("{}.{}").format(schema, Identifier(name)).as_string()
            for name in (
                "tower_view_version",
                "tower_cases",
                "tower_event_counts",
                "tower_case_facts",
                "tower_freshness",
                "tower_stage_time",
                "tower_timeline",
            )
        ]
        with self.datastore.transaction(commit=True) as cursor:
            rebuilt = _reset_if_outdated(self, cursor, tables, "%s", self.positions_table)
        if rebuilt:
            super().create_table()
