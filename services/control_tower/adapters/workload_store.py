"""The workload view's tables, in SQLite (embedded) or PostgreSQL (distributed).

Rows and the tracking position are written in one transaction of the view's own database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder
from psycopg.sql import SQL, Identifier

from backbone.envelope import Envelope
from services.control_tower.adapters.case_facts_table import CaseFactsTable
from services.control_tower.projections.case_facts import CaseFacts, merge_fact_events
from services.control_tower.projections.workload import (
    SERVICE_RANK,
    STAGE_ORDER,
    VERSIONS_PER_SERVICE,
    StageChange,
    WorkloadRow,
)

_UPSERT_CASE = (
    "INSERT INTO {cases} (case_id, procedure, stage, is_open, stage_rank, stage_since) "
    "VALUES ({p}, {p}, {p}, {p}, {p}, {p}) "
    "ON CONFLICT (case_id) DO UPDATE SET stage = excluded.stage, is_open = excluded.is_open, "
    "procedure = COALESCE(excluded.procedure, {cases}.procedure), "
    "stage_rank = excluded.stage_rank, stage_since = excluded.stage_since "
    "WHERE excluded.stage_rank > {cases}.stage_rank"
)
# Counted per stream, so instances applying different partitions never update the same rows.
_COUNT_EVENT = (
    "INSERT INTO {counts} (stream, event_type, events) VALUES ({p}, {p}, {p}) "
    "ON CONFLICT (stream, event_type) DO UPDATE SET events = {counts}.events + excluded.events"
)
_WORKLOAD = "SELECT procedure, stage, COUNT(*) FROM {cases} WHERE is_open GROUP BY procedure, stage"
# Open cases by procedure, stage, team and target group (the latter two are facts of the case).
_WORKLOAD_DETAIL = (
    "SELECT c.procedure, c.stage, k.team, k.target_group, COUNT(*) FROM {cases} c "
    "LEFT JOIN {facts} k ON k.case_id = c.case_id WHERE c.is_open "
    "GROUP BY c.procedure, c.stage, k.team, k.target_group"
)
_ADD_STAGE_TIME = (
    "INSERT INTO {table} (procedure, stage, visits, seconds) VALUES ({p}, {p}, {p}, {p}) "
    "ON CONFLICT (procedure, stage) DO UPDATE SET visits = {table}.visits + excluded.visits, "
    "seconds = {table}.seconds + excluded.seconds"
)
_ADD_TIMELINE = (
    "INSERT INTO {table} (case_id, event_rank, occurred_at, event, detail) "
    "VALUES ({p}, {p}, {p}, {p}, {p}) "
    "ON CONFLICT (case_id, event_rank) DO NOTHING"
)
_COUNTS = "SELECT event_type, SUM(events) FROM {counts} GROUP BY event_type"


def _rows(result: Sequence[Any]) -> list[WorkloadRow]:
    rows = [WorkloadRow(str(r[0]), str(r[1]), int(r[2])) for r in result]
    return sorted(rows, key=lambda r: (r.procedure, STAGE_ORDER.index(r.stage)))


def _change_params(change: StageChange) -> tuple[Any, ...]:
    return (
        change.case_id,
        change.procedure,
        change.stage,
        change.is_open,
        change.rank,
        change.since.isoformat(),
    )


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


_UPSERT_FRESHNESS = (
    "INSERT INTO {table} (stream, position, last_recorded_at, last_applied_at) VALUES ({p}, {p}, {p}, {p}) "
    "ON CONFLICT (stream) DO UPDATE SET position = excluded.position, "
    "last_recorded_at = excluded.last_recorded_at, last_applied_at = excluded.last_applied_at"
)
_CREATE_FRESHNESS = (
    "CREATE TABLE IF NOT EXISTS {table} (stream TEXT PRIMARY KEY, position BIGINT NOT NULL, "
    "last_recorded_at TEXT NOT NULL, last_applied_at TEXT NOT NULL, behind BIGINT)"
)


_CREATE_STAGE_TIME = (
    "CREATE TABLE IF NOT EXISTS {table} (procedure TEXT NOT NULL, stage TEXT NOT NULL, "
    "visits BIGINT NOT NULL, seconds BIGINT NOT NULL, PRIMARY KEY (procedure, stage))"
)
_CREATE_TIMELINE = (
    "CREATE TABLE IF NOT EXISTS {table} (case_id TEXT NOT NULL, event_rank BIGINT NOT NULL, "
    "occurred_at TEXT NOT NULL, event TEXT NOT NULL, detail TEXT NOT NULL, "
    "PRIMARY KEY (case_id, event_rank))"
)


def _record_freshness(sql: str, cursor: Any, tracking: Tracking, recorded_at: datetime) -> None:
    applied_at = datetime.now(UTC)  # wall-clock time on purpose: freshness is about real time
    cursor.execute(
        sql,
        (
            tracking.application_name,
            tracking.notification_id,
            recorded_at.isoformat(),
            applied_at.isoformat(),
        ),
    )


class TowerTables:
    """What both stores do with their tables; each store names the tables for its database."""

    datastore: Any
    facts: CaseFactsTable
    positions_table: str
    freshness_table: str
    placeholder: str
    _cases: str
    _counts: str
    _upsert: str
    _count: str
    _freshness_sql: str
    _stage_time_sql: str
    _timeline_sql: str
    stage_time_table: str
    timeline_table: str

    _insert_tracking: Callable[[Any, Tracking], None]  # the library's tracking recorder provides it

    def apply(
        self,
        changes: Sequence[StageChange],
        counts: dict[str, int],
        fact_events: Sequence[Envelope],
        tracking: Tracking,
        last_recorded_at: datetime | None = None,
        first_position: int | None = None,
        events: Sequence[Envelope] = (),
    ) -> None:
        """The view rows, the case facts and stage times, the case timelines (``events``), the freshness
        and the tracking row, in one transaction.

        ``first_position`` is the upstream position of the first event in the batch: if the stream has
        already been applied that far (another instance, e.g. one still holding a partition during a
        rebalance, committed the same events first), nothing is written and IntegrityError tells the
        consumer to re-read its position. The tracking row is locked first, so two instances applying
        the same stream are serialised and the second always sees the first's position.
        """
        # Rows are written table by table, each in key order, so two instances' transactions lock rows
        # in one global order and cannot deadlock (a case's intake and decision events may be applied
        # by different instances at the same time).
        stream = tracking.application_name
        with self.datastore.transaction(commit=True) as cursor:
            if first_position is not None:
                self._claim(cursor, stream, first_position)
            if changes:
                ordered = sorted(changes, key=lambda c: c.case_id)  # stable: a case's changes keep order
                cursor.executemany(self._upsert, [_change_params(c) for c in ordered])
            if counts:
                cursor.executemany(self._count, [(stream, t, n) for t, n in sorted(counts.items())])
            _apply_fact_events(self.facts, cursor, fact_events, self._stage_time_sql)
            if events:
                rows = sorted(_timeline_params(e) for e in events)  # by case and rank: key order
                cursor.executemany(self._timeline_sql, rows)
            if last_recorded_at is not None:
                _record_freshness(self._freshness_sql, cursor, tracking, last_recorded_at)
            self._insert_tracking(cursor, tracking)

    def _claim(self, cursor: Any, stream: str, first_position: int) -> None:
        lock = " FOR UPDATE" if self.placeholder == "%s" else ""  # SQLite: one writer at a time anyway
        where = f"application_name = {self.placeholder}"
        cursor.execute(f"SELECT notification_id FROM {self.positions_table} WHERE {where}{lock}", (stream,))
        row = cursor.fetchone()
        applied = None if row is None else _values(row)[0]
        if applied is not None and int(applied) >= first_position:
            raise IntegrityError(
                f"{stream} was already applied up to {applied} (batch from {first_position})"
            )

    def workload(self) -> list[WorkloadRow]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(_WORKLOAD.format(cases=self._cases))
            return _rows([_values(r) for r in cursor.fetchall()])

    def workload_detail(self) -> list[tuple[str, str, str | None, str | None, int]]:
        """Open cases by procedure, stage, team and target group, in stage order."""
        sql = _WORKLOAD_DETAIL.format(cases=self._cases, facts=self.facts.table)
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql)
            rows = [_values(r) for r in cursor.fetchall()]
        result = [
            (str(p), str(s), None if t is None else str(t), None if g is None else str(g), int(n))
            for p, s, t, g, n in rows
        ]
        return sorted(result, key=lambda r: (r[0], STAGE_ORDER.index(r[1]), r[2] or "", r[3] or ""))

    def daily_counts(self, column: str) -> list[tuple[str, date, int]]:
        """Cases per procedure and day of ``column`` (accepted_on or decided_on)."""
        with self.datastore.transaction(commit=False) as cursor:
            return self.facts.daily_counts(cursor, column)

    def stage_times(self) -> list[tuple[str, str, int, int]]:
        """Per procedure and stage: completed visits and their total seconds."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT procedure, stage, visits, seconds FROM {self.stage_time_table}")
            rows = [_values(r) for r in cursor.fetchall()]
        return sorted((str(p), str(s), int(v), int(t)) for p, s, v, t in rows)

    def work_in_progress(
        self, week_ends: list[date], team: str | None = None
    ) -> list[tuple[str, list[int]]]:
        with self.datastore.transaction(commit=False) as cursor:
            return self.facts.work_in_progress(cursor, week_ends, team)

    def case(self, case_id: str) -> tuple[CaseFacts, str | None, bool, list[tuple[Any, ...]]] | None:
        """A case's facts, stage, whether open, and its timeline (occurred_at, event, detail JSON)."""
        p = self.placeholder
        with self.datastore.transaction(commit=False) as cursor:
            facts = self.facts.case(cursor, case_id)
            cursor.execute(f"SELECT stage, is_open FROM {self._cases} WHERE case_id = {p}", (case_id,))
            stage_row = cursor.fetchone()
            cursor.execute(
                f"SELECT occurred_at, event, detail FROM {self.timeline_table} WHERE case_id = {p} "
                "ORDER BY occurred_at, event_rank",
                (case_id,),
            )
            timeline = [_values(r) for r in cursor.fetchall()]
        if facts is None and stage_row is None and not timeline:
            return None
        stage, is_open = _values(stage_row) if stage_row is not None else (None, False)
        return facts or CaseFacts(case_id), stage, bool(is_open), timeline

    def event_counts(self) -> dict[str, int]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(_COUNTS.format(counts=self._counts))
            return {str(name): int(events) for name, events in (_values(r) for r in cursor.fetchall())}

    def open_case_facts(self) -> list[CaseFacts]:
        with self.datastore.transaction(commit=False) as cursor:
            return self.facts.open_case_facts(cursor)

    def flow_facts(self, since: date) -> list[CaseFacts]:
        with self.datastore.transaction(commit=False) as cursor:
            return self.facts.flow_facts(cursor, since)

    def decided_facts(self) -> list[CaseFacts]:
        with self.datastore.transaction(commit=False) as cursor:
            return self.facts.decided_facts(cursor)

    def open_facts(self) -> list[CaseFacts]:
        with self.datastore.transaction(commit=False) as cursor:
            return self.facts.open_facts(cursor)

    def waiting_documents(self) -> list[CaseFacts]:
        with self.datastore.transaction(commit=False) as cursor:
            return self.facts.waiting_documents(cursor)

    def freshness(self) -> list[tuple[str, int, datetime, datetime, int | None]]:
        """Per stream: position, recorded-at of the last applied event, when it was applied, and the
        backlog last measured against the upstream (None if never measured)."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT stream, position, last_recorded_at, last_applied_at, behind "
                f"FROM {self.freshness_table}"
            )
            rows = [_values(r) for r in cursor.fetchall()]
        return [
            (
                str(s),
                int(p),
                datetime.fromisoformat(r),
                datetime.fromisoformat(a),
                None if b is None else int(b),
            )
            for s, p, r, a, b in rows
        ]

    def record_backlog(self, behind: dict[str, int]) -> None:
        """Store how many events each stream's upstream holds beyond what was applied (measured by the
        process that reads the stream, e.g. from Kafka's end offsets)."""
        p = self.placeholder
        with self.datastore.transaction(commit=True) as cursor:
            for stream, events in behind.items():
                cursor.execute(
                    f"UPDATE {self.freshness_table} SET behind = {p} WHERE stream = {p}",
                    (events, stream),
                )

    def positions(self) -> dict[str, int]:
        """Every tracked position: stream -> upstream notification id (and Kafka offset hints)."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT application_name, notification_id FROM {self.positions_table}")
            rows = [_values(r) for r in cursor.fetchall()]
        return {str(name): int(position) for name, position in rows}


class SQLiteWorkloadStore(TowerTables, SQLiteTrackingRecorder):
    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self._cases, self._counts = "tower_cases", "tower_event_counts"
        self._upsert = _UPSERT_CASE.format(cases="tower_cases", p="?")
        self._count = _COUNT_EVENT.format(counts="tower_event_counts", p="?")
        self.facts = CaseFactsTable("tower_case_facts", "tower_cases", "?")
        self.positions_table, self.freshness_table, self.placeholder = "tracking", "tower_freshness", "?"
        self._freshness_sql = _UPSERT_FRESHNESS.format(table="tower_freshness", p="?")
        self.stage_time_table, self.timeline_table = "tower_stage_time", "tower_timeline"
        self._stage_time_sql = _ADD_STAGE_TIME.format(table="tower_stage_time", p="?")
        self._timeline_sql = _ADD_TIMELINE.format(table="tower_timeline", p="?")

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
            _CREATE_FRESHNESS.format(table="tower_freshness"),
            _CREATE_STAGE_TIME.format(table="tower_stage_time"),
            _CREATE_TIMELINE.format(table="tower_timeline"),
        ]


class PostgresWorkloadStore(TowerTables, PostgresTrackingRecorder):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        schema = Identifier(self.datastore.schema)
        cases = SQL("{}.tower_cases").format(schema).as_string()
        counts = SQL("{}.tower_event_counts").format(schema).as_string()
        self._cases, self._counts = cases, counts
        self._upsert = _UPSERT_CASE.format(cases=cases, p="%s")
        self._count = _COUNT_EVENT.format(counts=counts, p="%s")
        clocks = SQL("{}.tower_case_facts").format(schema).as_string()
        self.facts = CaseFactsTable(clocks, cases, "%s")
        self.positions_table = SQL("{}.{}").format(schema, Identifier(self.tracking_table_name)).as_string()
        self.freshness_table = SQL("{}.tower_freshness").format(schema).as_string()
        self.placeholder = "%s"
        self._freshness_sql = _UPSERT_FRESHNESS.format(table=self.freshness_table, p="%s")
        self.stage_time_table = SQL("{}.tower_stage_time").format(schema).as_string()
        self.timeline_table = SQL("{}.tower_timeline").format(schema).as_string()
        self._stage_time_sql = _ADD_STAGE_TIME.format(table=self.stage_time_table, p="%s")
        self._timeline_sql = _ADD_TIMELINE.format(table=self.timeline_table, p="%s")
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
                SQL(_CREATE_FRESHNESS.format(table=self.freshness_table)),  # type: ignore[list-item]
                SQL(_CREATE_STAGE_TIME.format(table=self.stage_time_table)),  # type: ignore[list-item]
                SQL(_CREATE_TIMELINE.format(table=self.timeline_table)),  # type: ignore[list-item]
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


def _values(row: Any) -> tuple[Any, ...]:
    return tuple(row.values()) if isinstance(row, dict) else tuple(row)


def _apply_fact_events(
    table: CaseFactsTable, cursor: Any, events: Sequence[Envelope], stage_time_sql: str
) -> None:
    if not events:
        return
    changes = merge_fact_events(table.read(cursor, (e.subject for e in events)), list(events))
    table.write(cursor, [changes.rows[case_id] for case_id in sorted(changes.rows)])  # key order
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    for visit in changes.visits:
        visits, seconds = totals.get((visit.procedure, visit.stage), (0, 0))
        totals[(visit.procedure, visit.stage)] = (visits + 1, seconds + visit.seconds)
    if totals:
        cursor.executemany(stage_time_sql, [(p, s, v, t) for (p, s), (v, t) in sorted(totals.items())])


def _timeline_params(envelope: Envelope) -> tuple[Any, ...]:
    """One line of a case's timeline: what happened, when, and the event's data (no personal data travels
    in events; the metadata block is left out)."""
    service = envelope.schema.rpartition(".")[0]
    rank = SERVICE_RANK[service] * VERSIONS_PER_SERVICE + envelope.sequence
    detail = {k: v for k, v in envelope.data.items() if k != "meta"}
    return (
        envelope.subject,
        rank,
        envelope.time.isoformat(),
        envelope.schema,
        json.dumps(detail, default=str, sort_keys=True),
    )
