"""What both tower stores do with their tables: apply a batch in one transaction, and read the views.

Each store (``workload_store.py``) names the tables for its database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from eventsourcing.persistence import IntegrityError, Tracking

from backbone.envelope import Envelope
from backbone.sql_dialect import SqlDialect
from services.control_tower.adapters.bulk_load import BulkLoad
from services.control_tower.adapters.case_facts_table import CaseFactsTable
from services.control_tower.adapters.tower_sql import (
    ADD_STAGE_TIME,
    ADD_TIMELINE,
    COUNT_EVENT,
    COUNTS,
    CREATE_CASES,
    CREATE_COUNTS,
    CREATE_FRESHNESS,
    CREATE_STAGE_TIME,
    CREATE_TIMELINE,
    UPSERT_CASE,
    UPSERT_FRESHNESS,
    VERSION_TABLE,
    VIEW_TABLES,
    WORKLOAD,
    WORKLOAD_DETAIL,
    change_params,
    row_values,
    workload_rows,
)
from services.control_tower.projections.case_facts import CaseFacts, merge_fact_events
from services.control_tower.projections.timeline import timeline_row
from services.control_tower.projections.workload import STAGE_ORDER, StageChange, WorkloadRow


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
    """What both stores do with their tables; each store says how its database names a table."""

    datastore: Any
    dialect: SqlDialect  # each store's class says which
    _insert_tracking: Callable[[Any, Tracking], None]  # the library's tracking recorder provides it

    def name_tables(
        self, qualify: Callable[[str], str], placeholder: str, positions_table: str
    ) -> list[str]:
        """Name every table as the store's database wants it (``qualify``: e.g. schema-qualified) and
        prepare the statements; returns the statements that create the tables."""
        self.placeholder, self.positions_table = placeholder, positions_table
        self.version_tables = [qualify(VERSION_TABLE), *(qualify(name) for name in VIEW_TABLES)]
        cases, counts, facts, freshness, stage_time, timeline = self.version_tables[1:]
        self.cases_table, self.counts_table = cases, counts
        self.facts = CaseFactsTable(facts, cases, placeholder)
        self.facts_table = facts
        self.freshness_table, self.stage_time_table, self.timeline_table = freshness, stage_time, timeline
        self._upsert = UPSERT_CASE.format(cases=cases, p=placeholder)
        self._count = COUNT_EVENT.format(counts=counts, p=placeholder)
        self._freshness_sql = UPSERT_FRESHNESS.format(table=freshness, p=placeholder)
        self.stage_time_sql = ADD_STAGE_TIME.format(table=stage_time, p=placeholder)
        self._timeline_sql = ADD_TIMELINE.format(table=timeline, p=placeholder)
        return [
            CREATE_CASES.format(table=cases),
            CREATE_COUNTS.format(table=counts),
            self.facts.create_statement(),
            CREATE_FRESHNESS.format(table=freshness),
            CREATE_STAGE_TIME.format(table=stage_time),
            CREATE_TIMELINE.format(table=timeline),
        ]

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
                cursor.executemany(self._upsert, [change_params(c) for c in ordered])
            if counts:
                cursor.executemany(self._count, [(stream, t, n) for t, n in sorted(counts.items())])
            _apply_fact_events(self.facts, cursor, fact_events, self.stage_time_sql)
            if events:
                rows = sorted(timeline_row(e) for e in events)  # by case and rank: key order
                cursor.executemany(self._timeline_sql, rows)
            if last_recorded_at is not None:
                _record_freshness(self._freshness_sql, cursor, tracking, last_recorded_at)
            self._insert_tracking(cursor, tracking)

    @contextmanager
    def bulk_load(self, streams: Sequence[str]) -> Iterator[BulkLoad]:
        """A rebuild's one transaction writing ``streams``' share of every view (see bulk_load.py)."""
        with self.datastore.transaction(commit=True) as cursor:
            load = BulkLoad(self, cursor)
            load.keep_open()
            load.refuse_if_tracked(streams)
            yield load

    def insert_position(self, cursor: Any, tracking: Tracking) -> None:
        self._insert_tracking(cursor, tracking)

    def _claim(self, cursor: Any, stream: str, first_position: int) -> None:
        lock = self.dialect.lock_for_update
        where = f"application_name = {self.placeholder}"
        cursor.execute(f"SELECT notification_id FROM {self.positions_table} WHERE {where}{lock}", (stream,))
        row = cursor.fetchone()
        applied = None if row is None else row_values(row)[0]
        if applied is not None and int(applied) >= first_position:
            raise IntegrityError(
                f"{stream} was already applied up to {applied} (batch from {first_position})"
            )

    def workload(self) -> list[WorkloadRow]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(WORKLOAD.format(cases=self.cases_table))
            return workload_rows([row_values(r) for r in cursor.fetchall()])

    def workload_detail(self) -> list[tuple[str, str, str | None, str | None, int]]:
        """Open cases by procedure, stage, team and target group, in stage order."""
        sql = WORKLOAD_DETAIL.format(cases=self.cases_table, facts=self.facts.table)
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql)
            rows = [row_values(r) for r in cursor.fetchall()]
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
            rows = [row_values(r) for r in cursor.fetchall()]
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
            cursor.execute(f"SELECT stage, is_open FROM {self.cases_table} WHERE case_id = {p}", (case_id,))
            stage_row = cursor.fetchone()
            cursor.execute(
                f"SELECT occurred_at, event, detail FROM {self.timeline_table} WHERE case_id = {p} "
                "ORDER BY occurred_at, event_rank",
                (case_id,),
            )
            timeline = [row_values(r) for r in cursor.fetchall()]
        if facts is None and stage_row is None and not timeline:
            return None
        stage, is_open = row_values(stage_row) if stage_row is not None else (None, False)
        return facts or CaseFacts(case_id), stage, bool(is_open), timeline

    def event_counts(self) -> dict[str, int]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(COUNTS.format(counts=self.counts_table))
            return {str(name): int(events) for name, events in (row_values(r) for r in cursor.fetchall())}

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
            rows = [row_values(r) for r in cursor.fetchall()]
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
            rows = [row_values(r) for r in cursor.fetchall()]
        return {str(name): int(position) for name, position in rows}


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
