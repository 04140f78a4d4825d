"""The statements and row conversions of the tower's tables, shared by the SQLite and PostgreSQL stores.

Statements are templates: ``{p}`` is the driver's placeholder, ``{cases}`` / ``{counts}`` / ``{table}``
the table's name (schema-qualified in PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.control_tower.projections.workload import (
    STAGE_ORDER,
    StageChange,
    WorkloadRow,
)

UPSERT_CASE = (
    "INSERT INTO {cases} (case_id, procedure, stage, is_open, stage_rank, stage_since) "
    "VALUES ({p}, {p}, {p}, {p}, {p}, {p}) "
    "ON CONFLICT (case_id) DO UPDATE SET stage = excluded.stage, is_open = excluded.is_open, "
    "procedure = COALESCE(excluded.procedure, {cases}.procedure), "
    "stage_rank = excluded.stage_rank, stage_since = excluded.stage_since "
    "WHERE excluded.stage_rank > {cases}.stage_rank"
)
# Counted per stream, so instances applying different partitions never update the same rows.
COUNT_EVENT = (
    "INSERT INTO {counts} (stream, event_type, events) VALUES ({p}, {p}, {p}) "
    "ON CONFLICT (stream, event_type) DO UPDATE SET events = {counts}.events + excluded.events"
)
WORKLOAD = "SELECT procedure, stage, COUNT(*) FROM {cases} WHERE is_open GROUP BY procedure, stage"
# Open cases by procedure, stage, team, target group and owning system (facts of the case).
WORKLOAD_DETAIL = (
    "SELECT c.procedure, c.stage, k.team, k.target_group, COALESCE(k.system, 'backbone'), COUNT(*) "
    "FROM {cases} c LEFT JOIN {facts} k ON k.case_id = c.case_id WHERE c.is_open "
    "GROUP BY c.procedure, c.stage, k.team, k.target_group, COALESCE(k.system, 'backbone')"
)
ADD_STAGE_TIME = (
    "INSERT INTO {table} (procedure, stage, visits, seconds) VALUES ({p}, {p}, {p}, {p}) "
    "ON CONFLICT (procedure, stage) DO UPDATE SET visits = {table}.visits + excluded.visits, "
    "seconds = {table}.seconds + excluded.seconds"
)
ADD_TIMELINE = (
    "INSERT INTO {table} (case_id, event_rank, occurred_at, event, detail) "
    "VALUES ({p}, {p}, {p}, {p}, {p}) "
    "ON CONFLICT (case_id, event_rank) DO NOTHING"
)
COUNTS = "SELECT event_type, SUM(events) FROM {counts} GROUP BY event_type"


UPSERT_FRESHNESS = (
    "INSERT INTO {table} (stream, position, last_recorded_at, last_applied_at) VALUES ({p}, {p}, {p}, {p}) "
    "ON CONFLICT (stream) DO UPDATE SET position = excluded.position, "
    "last_recorded_at = excluded.last_recorded_at, last_applied_at = excluded.last_applied_at"
)
# Every view table; the first records the tables' schema version (see tower_store.py).
VERSION_TABLE = "tower_view_version"
VIEW_TABLES = (
    "tower_cases",
    "tower_event_counts",
    "tower_case_facts",
    "tower_freshness",
    "tower_stage_time",
    "tower_timeline",
)
CREATE_CASES = (
    "CREATE TABLE IF NOT EXISTS {table} (case_id TEXT PRIMARY KEY, procedure TEXT, "
    "stage TEXT NOT NULL, is_open BOOLEAN NOT NULL, stage_rank BIGINT NOT NULL, stage_since TEXT NOT NULL)"
)
CREATE_COUNTS = (
    "CREATE TABLE IF NOT EXISTS {table} (stream TEXT NOT NULL, event_type TEXT NOT NULL, "
    "events BIGINT NOT NULL, PRIMARY KEY (stream, event_type))"
)
CREATE_FRESHNESS = (
    "CREATE TABLE IF NOT EXISTS {table} (stream TEXT PRIMARY KEY, position BIGINT NOT NULL, "
    "last_recorded_at TEXT NOT NULL, last_applied_at TEXT NOT NULL, behind BIGINT)"
)


CREATE_STAGE_TIME = (
    "CREATE TABLE IF NOT EXISTS {table} (procedure TEXT NOT NULL, stage TEXT NOT NULL, "
    "visits BIGINT NOT NULL, seconds BIGINT NOT NULL, PRIMARY KEY (procedure, stage))"
)
CREATE_TIMELINE = (
    "CREATE TABLE IF NOT EXISTS {table} (case_id TEXT NOT NULL, event_rank BIGINT NOT NULL, "
    "occurred_at TEXT NOT NULL, event TEXT NOT NULL, detail TEXT NOT NULL, "
    "PRIMARY KEY (case_id, event_rank))"
)


def workload_rows(result: Sequence[Any]) -> list[WorkloadRow]:
    rows = [WorkloadRow(str(r[0]), str(r[1]), int(r[2])) for r in result]
    return sorted(rows, key=lambda r: (r.procedure, STAGE_ORDER.index(r.stage)))


def change_params(change: StageChange) -> tuple[Any, ...]:
    return (
        change.case_id,
        change.procedure,
        change.stage,
        change.is_open,
        change.rank,
        change.since.isoformat(),
    )


def row_values(row: Any) -> tuple[Any, ...]:
    return tuple(row.values()) if isinstance(row, dict) else tuple(row)
