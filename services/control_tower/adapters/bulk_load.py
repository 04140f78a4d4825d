"""A rebuild's write path: every table of a generation written once from a ``ViewFold``, in one
transaction with the tracked positions (COPY in PostgreSQL, one executemany per table in SQLite).

A loader owns the streams it folds: it refuses to start if any of them already has a tracked position in
the generation, so two loaders (the workers of one rebuild) never write the same case. Cases, facts and
timelines are keyed by case and a case's events all travel in one partition number of every topic (the
key is the case id), so workers that share the partition numbers write disjoint rows; only the stage
totals are shared, and those are added with an upsert. Nothing is visible until the commit, and a crash
leaves the generation as it was (a failed rebuild's generation is dropped by the next rebuild).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from eventsourcing.persistence import Tracking

from backbone.errors import BackboneError
from backbone.feeds.offset_hints import hint_name
from backbone.sql_dialect import SqlDialect
from services.control_tower.adapters.case_facts_table import COLUMNS as FACT_COLUMNS
from services.control_tower.adapters.case_facts_table import SCHEMA as FACT_SCHEMA
from services.control_tower.adapters.tower_sql import row_values
from services.control_tower.projections.view_fold import FoldedRows

CASE_COLUMNS = ("case_id", "procedure", "stage", "is_open", "stage_rank", "stage_since")
TIMELINE_COLUMNS = ("case_id", "event_rank", "occurred_at", "event", "detail")
_DATE_KINDS = ("date", "datetime")


class LoadTarget(Protocol):
    """The table names and statements a loader needs (``TowerTables`` provides them)."""

    datastore: Any
    dialect: SqlDialect
    placeholder: str
    positions_table: str
    timeline_table: str
    stage_time_table: str
    freshness_table: str
    cases_table: str
    counts_table: str
    facts_table: str
    stage_time_sql: str

    def insert_position(self, cursor: Any, tracking: Tracking) -> None: ...


class GenerationNotEmptyError(BackboneError):
    """A bulk load found a position already tracked for one of its streams."""


class BulkLoad:
    def __init__(self, target: LoadTarget, cursor: Any) -> None:
        self.target, self.cursor = target, cursor
        self.copy = target.dialect.bulk_copy

    def keep_open(self) -> None:
        """The transaction waits while the streams are read: PostgreSQL must not end it as idle."""
        if self.copy:
            self.cursor.execute("SET LOCAL idle_in_transaction_session_timeout = 0")

    def refuse_if_tracked(self, streams: Sequence[str]) -> None:
        t = self.target
        marks = ", ".join([t.placeholder] * len(streams))
        self.cursor.execute(
            f"SELECT application_name FROM {t.positions_table} WHERE application_name IN ({marks})",
            list(streams),
        )
        tracked = sorted(str(row_values(r)[0]) for r in self.cursor.fetchall())
        if tracked:
            raise GenerationNotEmptyError(
                f"a bulk load writes only streams the generation has not applied; it has {tracked}"
            )

    def timeline(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self._insert(self.target.timeline_table, TIMELINE_COLUMNS, rows)

    def finish(self, rows: FoldedRows) -> None:
        """Every other table, and the tracked positions and offset hints of the streams folded."""
        t = self.target
        self._insert(
            t.cases_table,
            CASE_COLUMNS,
            [(case, p, s, o, r, since.isoformat()) for case, (p, s, o, r, since) in rows.cases.items()],
        )
        self._insert(t.facts_table, FACT_COLUMNS, [_fact_params(f) for f in rows.facts.values()])
        counts = [(*key, n) for key, n in rows.counts.items()]
        self._insert(t.counts_table, ("stream", "event_type", "events"), counts)
        applied_at = datetime.now(UTC).isoformat()  # wall-clock on purpose: freshness is real time
        self._insert(
            t.freshness_table,
            ("stream", "position", "last_recorded_at", "last_applied_at"),
            [(s, p, at.isoformat(), applied_at) for s, (p, at) in rows.freshness.items()],
        )
        totals = sorted((p, s, v, n) for (p, s), (v, n) in rows.stage_time.items())
        if totals:  # shared with the other workers: added, in key order (no deadlock between them)
            self.cursor.executemany(t.stage_time_sql, totals)
        if rows.removed:  # removed legacy cases: their timeline rows up to the removal
            self.cursor.executemany(
                f"DELETE FROM {t.timeline_table} WHERE case_id = {t.placeholder} "
                f"AND event_rank <= {t.placeholder}",
                sorted(rows.removed.items()),
            )
        for stream, position in sorted(rows.positions.items()):
            t.insert_position(self.cursor, Tracking(stream, position))
        for stream, offset in sorted(rows.offsets.items()):
            t.insert_position(self.cursor, Tracking(hint_name(stream), offset))

    def _insert(self, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        if self.copy:
            with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join([self.target.placeholder] * len(columns))
            self.cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _fact_params(fields: dict[str, Any]) -> tuple[Any, ...]:
    values = []
    for column, _, kind in FACT_SCHEMA:
        value = fields[column]
        values.append(value.isoformat() if kind in _DATE_KINDS and value is not None else value)
    return tuple(values)
