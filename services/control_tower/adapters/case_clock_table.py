"""The tower's table of case clocks, written in the workload store's own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from services.control_tower.projections.case_clocks import ClockRow

COLUMNS = (
    "case_id",
    "procedure",
    "statutory_deadline",
    "deadline_rank",
    "suspended_since",
    "notice_of_default_on",
    "penalty_applies",
    "decided",
)


class CaseClockTable:
    def __init__(self, table: str, cases_table: str, placeholder: str) -> None:
        self.table, self.cases, self.p = table, cases_table, placeholder

    def create_statement(self) -> str:
        return (
            f"CREATE TABLE IF NOT EXISTS {self.table} (case_id TEXT PRIMARY KEY, procedure TEXT, "
            "statutory_deadline TEXT, deadline_rank BIGINT NOT NULL, suspended_since TEXT, "
            "notice_of_default_on TEXT, penalty_applies BOOLEAN NOT NULL, decided BOOLEAN NOT NULL)"
        )

    def read(self, cursor: Any, case_ids: Iterable[str]) -> dict[str, ClockRow]:
        ids = sorted(set(case_ids))
        if not ids:
            return {}
        marks = ", ".join([self.p] * len(ids))
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM {self.table} WHERE case_id IN ({marks})", ids)
        return {row.case_id: row for row in (_row(r) for r in cursor.fetchall())}

    def write(self, cursor: Any, rows: Iterable[ClockRow]) -> None:
        marks = ", ".join([self.p] * len(COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])
        cursor.executemany(
            f"INSERT INTO {self.table} ({', '.join(COLUMNS)}) VALUES ({marks}) "
            f"ON CONFLICT (case_id) DO UPDATE SET {updates}",
            [_params(row) for row in rows],
        )

    def open_clocks(self, cursor: Any) -> list[ClockRow]:
        """Clocks of cases still open and undecided."""
        columns = ", ".join(f"k.{c}" for c in COLUMNS)
        cursor.execute(
            f"SELECT {columns} FROM {self.table} k JOIN {self.cases} c ON c.case_id = k.case_id "
            "WHERE c.is_open AND NOT k.decided"
        )
        return [_row(r) for r in cursor.fetchall()]


def _params(row: ClockRow) -> tuple[Any, ...]:
    def text(day: date | None) -> str | None:
        return day.isoformat() if day else None

    return (
        row.case_id,
        row.procedure,
        text(row.statutory_deadline),
        row.deadline_rank,
        text(row.suspended_since),
        text(row.notice_of_default_on),
        row.penalty_applies,
        row.decided,
    )


def _row(raw: Any) -> ClockRow:
    values = list(raw.values()) if isinstance(raw, dict) else list(raw)

    def day(text: str | None) -> date | None:
        return date.fromisoformat(text) if text else None

    return ClockRow(
        case_id=values[0],
        procedure=values[1],
        statutory_deadline=day(values[2]),
        deadline_rank=int(values[3]),
        suspended_since=day(values[4]),
        notice_of_default_on=day(values[5]),
        penalty_applies=bool(values[6]),
        decided=bool(values[7]),
    )
