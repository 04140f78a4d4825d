"""The tower's table of case clocks, written in the workload store's own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from services.control_tower.projections.case_facts import CaseFacts

# (column, SQL type, kind): kind tells how a value is written and read back.
SCHEMA = (
    ("case_id", "TEXT PRIMARY KEY", "text"),
    ("procedure", "TEXT", "text"),
    ("track", "TEXT", "text"),
    ("received_on", "TEXT", "date"),
    ("accepted_on", "TEXT", "date"),
    ("statutory_deadline", "TEXT", "date"),
    ("deadline_rank", "BIGINT NOT NULL", "int"),
    ("suspended_since", "TEXT", "date"),
    ("notice_of_default_on", "TEXT", "date"),
    ("penalty_applies", "BOOLEAN NOT NULL", "bool"),
    ("decided_on", "TEXT", "date"),
    ("outcome", "TEXT", "text"),
    ("document_channel", "TEXT", "text"),
    ("document_ready_on", "TEXT", "date"),
    ("document_issued_on", "TEXT", "date"),
    ("team", "TEXT", "text"),
    ("target_group", "TEXT", "text"),
    ("ended_on", "TEXT", "date"),
    ("intake_stage", "TEXT", "text"),
    ("intake_stage_since", "TEXT", "datetime"),
    ("decision_stage", "TEXT", "text"),
    ("decision_stage_since", "TEXT", "datetime"),
    ("system", "TEXT NOT NULL", "text"),
    ("taken_over", "BOOLEAN NOT NULL", "bool"),
    ("returned", "BOOLEAN NOT NULL", "bool"),
    ("legacy_returned", "BOOLEAN NOT NULL", "bool"),
)
COLUMNS = tuple(column for column, _, _ in SCHEMA)


class CaseFactsTable:
    def __init__(self, table: str, cases_table: str, placeholder: str) -> None:
        self.table, self.cases, self.p = table, cases_table, placeholder

    def create_statement(self) -> str:
        columns = ", ".join(f"{column} {sql_type}" for column, sql_type, _ in SCHEMA)
        return f"CREATE TABLE IF NOT EXISTS {self.table} ({columns})"

    def read(self, cursor: Any, case_ids: Iterable[str]) -> dict[str, CaseFacts]:
        ids = sorted(set(case_ids))
        if not ids:
            return {}
        marks = ", ".join([self.p] * len(ids))
        return {row.case_id: row for row in self._select(cursor, f"k.case_id IN ({marks})", ids)}

    def write(self, cursor: Any, rows: Iterable[CaseFacts]) -> None:
        marks = ", ".join([self.p] * len(COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])
        cursor.executemany(
            f"INSERT INTO {self.table} ({', '.join(COLUMNS)}) VALUES ({marks}) "
            f"ON CONFLICT (case_id) DO UPDATE SET {updates}",
            [_params(row) for row in rows],
        )

    def _select(
        self, cursor: Any, where: str, params: Sequence[Any] = (), *, open_only: bool = False
    ) -> list[CaseFacts]:
        """The facts of the cases matching ``where`` (columns as ``k.<column>``); ``open_only``: of the
        cases the workload holds open."""
        columns = ", ".join(f"k.{c}" for c in COLUMNS)
        source = f"{self.table} k"
        if open_only:
            source += f" JOIN {self.cases} c ON c.case_id = k.case_id AND c.is_open"
        cursor.execute(f"SELECT {columns} FROM {source} WHERE {where}", params)
        return [_row(r) for r in cursor.fetchall()]

    def open_case_facts(self, cursor: Any) -> list[CaseFacts]:
        """Facts of the cases still open and undecided."""
        return self._select(cursor, "k.decided_on IS NULL", open_only=True)

    def flow_facts(self, cursor: Any, since: date) -> list[CaseFacts]:
        """Facts of the cases accepted or decided since ``since``."""
        where = f"k.accepted_on >= {self.p} OR k.decided_on >= {self.p}"
        return self._select(cursor, where, (since.isoformat(), since.isoformat()))

    def open_facts(self, cursor: Any) -> list[CaseFacts]:
        """Facts of every open case, decided or not."""
        return self._select(cursor, "TRUE", open_only=True)

    def waiting_documents(self, cursor: Any) -> list[CaseFacts]:
        return self._select(cursor, "k.document_ready_on IS NOT NULL AND k.document_issued_on IS NULL")

    def case(self, cursor: Any, case_id: str) -> CaseFacts | None:
        return self.read(cursor, [case_id]).get(case_id)

    def work_in_progress(
        self,
        cursor: Any,
        week_ends: list[date],
        team: str | None = None,
        system: str | None = None,
    ) -> list[tuple[str, list[int]]]:
        """Per procedure, the cases received and not yet decided (nor ended) at the end of each day in
        ``week_ends`` (of ``team`` and of ``system`` only, if given): one scan, one column per day."""
        if not week_ends:
            return []
        ends = "COALESCE(decided_on, ended_on, '9999-12-31')"
        columns = ", ".join(  # named apart: PostgreSQL's dict rows would keep one of many "sum"
            f"SUM(CASE WHEN received_on <= {self.p} AND {ends} > {self.p} THEN 1 ELSE 0 END) AS w{i}"
            for i in range(len(week_ends))
        )
        params = [d.isoformat() for d in week_ends for _ in range(2)]
        filters = {"team": team, "system": system}
        of_filters = "".join(f" AND {c} = {self.p}" for c, value in filters.items() if value is not None)
        cursor.execute(
            f"SELECT COALESCE(procedure, 'unknown'), {columns} FROM {self.table} "
            f"WHERE received_on <= {self.p} AND {ends} > {self.p}{of_filters} GROUP BY 1 ORDER BY 1",
            [
                *params,
                week_ends[-1].isoformat(),
                week_ends[0].isoformat(),
                *(value for value in filters.values() if value is not None),
            ],
        )
        return [
            (str(values[0]), [int(v or 0) for v in values[1:]])
            for values in (list(r.values()) if isinstance(r, dict) else list(r) for r in cursor.fetchall())
        ]

    def daily_counts(self, cursor: Any, column: str) -> list[tuple[str, date, int]]:
        """Cases per procedure and day of a date column (accepted_on, decided_on)."""
        if column not in ("accepted_on", "decided_on", "received_on"):
            raise ValueError(f"no daily counts of {column!r}")
        cursor.execute(
            f"SELECT COALESCE(procedure, 'unknown'), {column}, COUNT(*) FROM {self.table} "
            f"WHERE {column} IS NOT NULL GROUP BY 1, 2"
        )
        rows = [list(r.values()) if isinstance(r, dict) else list(r) for r in cursor.fetchall()]
        return sorted((str(p), date.fromisoformat(d), int(n)) for p, d, n in rows)

    def decided_facts(self, cursor: Any) -> list[CaseFacts]:
        return self._select(cursor, "k.decided_on IS NOT NULL")


def _params(row: CaseFacts) -> tuple[Any, ...]:
    values = []
    for column, _, kind in SCHEMA:
        value = getattr(row, column)
        values.append(value.isoformat() if kind in ("date", "datetime") and value is not None else value)
    return tuple(values)


def _row(raw: Any) -> CaseFacts:
    values = list(raw.values()) if isinstance(raw, dict) else list(raw)
    fields: dict[str, Any] = {}
    for (column, _, kind), value in zip(SCHEMA, values, strict=True):
        if kind == "date":
            fields[column] = date.fromisoformat(value) if value else None
        elif kind == "datetime":
            fields[column] = datetime.fromisoformat(value) if value else None
        elif kind == "int":
            fields[column] = int(value)
        elif kind == "bool":
            fields[column] = bool(value)
        else:
            fields[column] = value
    return CaseFacts(**fields)
