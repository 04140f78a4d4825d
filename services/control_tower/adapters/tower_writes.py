"""The tower's write side: a batch of changes applied in one transaction with its tracked position, a
rebuild's bulk load, and the backlog a reader measured."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import IntegrityError, Tracking

from backbone.envelope import Envelope
from services.control_tower.adapters.bulk_load import BulkLoad
from services.control_tower.adapters.case_facts_table import CaseFactsTable
from services.control_tower.adapters.tower_sql import change_params, row_values
from services.control_tower.adapters.tower_tables import TowerTables
from services.control_tower.projections.case_facts import FactChanges, merge_fact_events
from services.control_tower.projections.timeline import timeline_row
from services.control_tower.projections.workload import StageChange


class TowerWrites(TowerTables):
    """Everything that changes the tower's tables."""

    def apply(
        self,
        changes: Sequence[StageChange],
        counts: dict[str, int],
        fact_events: Sequence[Envelope],
        tracking: Tracking,
        last_recorded_at: datetime | None = None,
        first_position: int | None = None,
        events: Sequence[Envelope] = (),
        removals: Mapping[str, int] | None = None,
    ) -> None:
        """The view rows, the case facts and stage times, the case timelines (``events``), the freshness
        and the tracking row, in one transaction. ``removals`` (case id -> rank of its removal): cases
        whose rows go first, their timelines up to that rank.

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
            if removals:
                self._remove_cases(cursor, removals)
            facts = _merge_facts(self.facts, cursor, fact_events)
            if facts is not None:
                changes = owned_changes(changes, facts.ranks)
            if changes:
                ordered = sorted(changes, key=lambda c: c.case_id)  # stable: a case's changes keep order
                cursor.executemany(self._upsert, [change_params(c) for c in ordered])
            if counts:
                cursor.executemany(self._count, [(stream, t, n) for t, n in sorted(counts.items())])
            if facts is not None:
                _write_facts(self.facts, cursor, facts, self.stage_time_sql)
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

    def _remove_cases(self, cursor: Any, removals: Mapping[str, int]) -> None:
        """Take cases out of every view: their stage and facts, and their timeline up to the removal (a
        case registered again later keeps what came after)."""
        p, ids = self.placeholder, [(case_id,) for case_id in sorted(removals)]
        cursor.executemany(f"DELETE FROM {self.cases_table} WHERE case_id = {p}", ids)
        cursor.executemany(f"DELETE FROM {self.facts_table} WHERE case_id = {p}", ids)
        cursor.executemany(
            f"DELETE FROM {self.timeline_table} WHERE case_id = {p} AND event_rank <= {p}",
            sorted(removals.items()),
        )

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


def _merge_facts(table: CaseFactsTable, cursor: Any, events: Sequence[Envelope]) -> FactChanges | None:
    if not events:
        return None
    return merge_fact_events(table.read(cursor, (e.subject for e in events)), list(events))


def owned_changes(
    changes: Sequence[StageChange], ranks: Mapping[tuple[str, int], int | None]
) -> list[StageChange]:
    """The stage changes of the events whose system owns their case, at the rank they count with."""
    owned = []
    for change in changes:
        rank = ranks.get((change.case_id, change.rank), change.rank)
        if rank is not None:
            owned.append(change if rank == change.rank else replace(change, rank=rank))
    return owned


def _write_facts(table: CaseFactsTable, cursor: Any, changes: FactChanges, stage_time_sql: str) -> None:
    table.write(cursor, [changes.rows[case_id] for case_id in sorted(changes.rows)])  # key order
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    for visit in changes.visits:
        visits, seconds = totals.get((visit.procedure, visit.stage), (0, 0))
        totals[(visit.procedure, visit.stage)] = (visits + 1, seconds + visit.seconds)
    if totals:
        cursor.executemany(stage_time_sql, [(p, s, v, t) for (p, s), (v, t) in sorted(totals.items())])
