"""The tower's table of case clocks, written in the workload store's own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
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
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM {self.table} WHERE case_id IN ({marks})", ids)
        return {row.case_id: row for row in (_row(r) for r in cursor.fetchall())}

    def write(self, cursor: Any, rows: Iterable[CaseFacts]) -> None:
        marks = ", ".join([self.p] * len(COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])
        cursor.executemany(
            f"INSERT INTO {self.table} ({', '.join(COLUMNS)}) VALUES ({marks}) "
            f"ON CONFLICT (case_id) DO UPDATE SET {updates}",
            [_params(row) for row in rows],
        )

    def open_case_facts(self, cursor: Any) -> list[CaseFacts]:
        """Facts of the cases still open and undecided."""
        columns = ", ".join(f"k.{c}" for c in COLUMNS)
        cursor.execute(
            f"SELECT {columns} FROM {self.table} k JOIN {self.cases} c ON c.case_id = k.case_id "
            "WHERE c.is_open AND k.decided_on IS NULL"
        )
        return [_row(r) for r in cursor.fetchall()]

    def flow_facts(self, cursor: Any, since: date) -> list[CaseFacts]:
        """Facts of the cases accepted or decided since ``since``."""
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)} FROM {self.table} "
            f"WHERE accepted_on >= {self.p} OR decided_on >= {self.p}",
            (since.isoformat(), since.isoformat()),
        )
        return [_row(r) for r in cursor.fetchall()]

    def open_facts(self, cursor: Any) -> list[CaseFacts]:
        """Facts of every open case, decided or not."""
        columns = ", ".join(f"k.{c}" for c in COLUMNS)
        cursor.execute(
            f"SELECT {columns} FROM {self.table} k JOIN {self.cases} c ON c.case_id = k.case_id "
            "WHERE c.is_open"
        )
        return [_row(r) for r in cursor.fetchall()]

    def waiting_documents(self, cursor: Any) -> list[CaseFacts]:
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)} FROM {self.table} "
            "WHERE document_ready_on IS NOT NULL AND document_issued_on IS NULL"
        )
        return [_row(r) for r in cursor.fetchall()]

    def decided_facts(self, cursor: Any) -> list[CaseFacts]:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM {self.table} WHERE decided_on IS NOT NULL")
        return [_row(r) for r in cursor.fetchall()]


def _params(row: CaseFacts) -> tuple[Any, ...]:
    values = []
    for column, _, kind in SCHEMA:
        value = getattr(row, column)
        values.append(value.isoformat() if kind == "date" and value is not None else value)
    return tuple(values)


def _row(raw: Any) -> CaseFacts:
    values = list(raw.values()) if isinstance(raw, dict) else list(raw)
    fields: dict[str, Any] = {}
    for (column, _, kind), value in zip(SCHEMA, values, strict=True):
        if kind == "date":
            fields[column] = date.fromisoformat(value) if value else None
        elif kind == "int":
            fields[column] = int(value)
        elif kind == "bool":
            fields[column] = bool(value)
        else:
            fields[column] = value
    return CaseFacts(**fields)
