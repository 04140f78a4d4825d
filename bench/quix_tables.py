"""The Quix Streams peer's tables in PostgreSQL: created in a schema of their own with the tower's table
shapes, written once with COPY, and compared with the live generation our rebuild wrote
(``differences_from_live``): every column but the wall-clock time of the write, as a digest of the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg

from backbone.settings import Settings
from backbone.stores import postgres_dsn
from services.control_tower.adapters.bulk_load import CASE_COLUMNS, TIMELINE_COLUMNS
from services.control_tower.adapters.case_facts_table import SCHEMA as FACT_SCHEMA
from services.control_tower.adapters.case_facts_table import CaseFactsTable
from services.control_tower.adapters.live_views import build_tower_store
from services.control_tower.adapters.tower_sql import (
    CREATE_CASES,
    CREATE_COUNTS,
    CREATE_FRESHNESS,
    CREATE_STAGE_TIME,
    CREATE_TIMELINE,
)

PEER_SCHEMA = "quix_peer"
DATE_KINDS = ("date", "datetime")


PEER_COLUMNS: dict[str, Sequence[str]] = {
    "tower_cases": CASE_COLUMNS,
    "tower_case_facts": tuple(column for column, _, _ in FACT_SCHEMA),
    "tower_timeline": TIMELINE_COLUMNS,
    "tower_event_counts": ("stream", "event_type", "events"),
    "tower_stage_time": ("procedure", "stage", "visits", "seconds"),
    "tower_freshness": ("stream", "position", "last_recorded_at", "last_applied_at"),
}


def fact_values(fields: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        fields[c].isoformat() if kind in DATE_KINDS and fields[c] is not None else fields[c]
        for c, _, kind in FACT_SCHEMA
    )


def copy_rows(
    cursor: psycopg.Cursor[Any], table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    with cursor.copy(f"COPY {PEER_SCHEMA}.{table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def create_peer_tables(connection: psycopg.Connection[Any]) -> None:
    """The peer's own schema with the tower's table shapes, empty (dropped first if a run left one)."""
    qualified = {name: f"{PEER_SCHEMA}.{name}" for name in PEER_COLUMNS}
    connection.execute(f"DROP SCHEMA IF EXISTS {PEER_SCHEMA} CASCADE")
    connection.execute(f"CREATE SCHEMA {PEER_SCHEMA}")
    for statement in (
        CREATE_CASES.format(table=qualified["tower_cases"]),
        CaseFactsTable(qualified["tower_case_facts"], qualified["tower_cases"], "%s").create_statement(),
        CREATE_TIMELINE.format(table=qualified["tower_timeline"]),
        CREATE_COUNTS.format(table=qualified["tower_event_counts"]),
        CREATE_STAGE_TIME.format(table=qualified["tower_stage_time"]),
        CREATE_FRESHNESS.format(table=qualified["tower_freshness"]),
    ):
        connection.execute(statement)
    connection.commit()


# What must be equal, per table: every column but the wall-clock time of the write.
COMPARED = {
    table: [c for c in columns if c != "last_applied_at"] for table, columns in PEER_COLUMNS.items()
}


def differences_from_live(settings: Settings) -> list[str]:
    """Each table of the peer that differs from the live generation's (rows and a digest of them); for
    the cases, also their number per procedure and stage on both sides."""
    store: Any = build_tower_store(settings)
    live = {
        "tower_cases": store.cases_table,
        "tower_case_facts": store.facts_table,
        "tower_timeline": store.timeline_table,
        "tower_event_counts": store.counts_table,
        "tower_stage_time": store.stage_time_table,
        "tower_freshness": store.freshness_table,
    }
    store.datastore.close()
    differences = []
    with psycopg.connect(postgres_dsn(settings)) as connection, connection.cursor() as cursor:
        for table, columns in COMPARED.items():
            ours = _digest(cursor, live[table], columns)
            peer = _digest(cursor, f"{PEER_SCHEMA}.{table}", columns)
            if ours != peer:
                differences.append(f"{table}: {ours[0]} rows in our rebuild, {peer[0]} in the peer's")
        if differences:
            ours_per_stage = _cases_per_stage(cursor, live["tower_cases"])
            peer_per_stage = _cases_per_stage(cursor, f"{PEER_SCHEMA}.tower_cases")
            differences += [
                f"cases in {key}: {ours_per_stage.get(key, 0)} ours, {peer_per_stage.get(key, 0)} peer's"
                for key in sorted(set(ours_per_stage) | set(peer_per_stage), key=str)
                if ours_per_stage.get(key) != peer_per_stage.get(key)
            ]
    return differences


def _digest(cursor: psycopg.Cursor[Any], table: str, columns: Sequence[str]) -> tuple[int, str]:
    cursor.execute(
        "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') "
        f"FROM (SELECT {', '.join(columns)} FROM {table}) t"
    )
    count, digest = cursor.fetchone() or (0, "")
    return int(count), str(digest)


def _cases_per_stage(cursor: psycopg.Cursor[Any], table: str) -> dict[tuple[str, str, bool], int]:
    cursor.execute(f"SELECT procedure, stage, is_open, count(*) FROM {table} GROUP BY 1, 2, 3")
    return {(str(p), str(s), bool(o)): int(n) for p, s, o, n in cursor.fetchall()}
