"""The tower's read side: each query the views are computed from, in a read-only transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.control_tower.adapters.tower_sql import (
    COUNTS,
    WORKLOAD,
    WORKLOAD_DETAIL,
    row_values,
    workload_rows,
)
from services.control_tower.adapters.tower_tables import TowerTables
from services.control_tower.domain.reconciliation import ShownCase
from services.control_tower.projections.case_facts import CaseFacts
from services.control_tower.projections.legacy_cases import BACKBONE
from services.control_tower.projections.workload import STAGE_ORDER, WorkloadRow


class TowerQueries(TowerTables):
    """Every query of the tower's tables; nothing here writes."""

    def workload(self) -> list[WorkloadRow]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(WORKLOAD.format(cases=self.cases_table))
            return workload_rows([row_values(r) for r in cursor.fetchall()])

    def workload_detail(self) -> list[tuple[str, str, str | None, str | None, str, int]]:
        """Open cases by procedure, stage, team, target group and owning system, in stage order."""
        sql = WORKLOAD_DETAIL.format(cases=self.cases_table, facts=self.facts.table)
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql)
            rows = [row_values(r) for r in cursor.fetchall()]
        result = [
            (str(p), str(s), None if t is None else str(t), None if g is None else str(g), str(o), int(n))
            for p, s, t, g, o, n in rows
        ]
        return sorted(result, key=lambda r: (r[0], STAGE_ORDER.index(r[1]), r[2] or "", r[3] or "", r[4]))

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
        self, week_ends: list[date], team: str | None = None, system: str | None = None
    ) -> list[tuple[str, list[int]]]:
        with self.datastore.transaction(commit=False) as cursor:
            return self.facts.work_in_progress(cursor, week_ends, team, system)

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

    def shown_cases(self) -> list[ShownCase]:
        """Every case with its owning system, procedure, stage, statutory deadline and open suspension
        (for reconciliation with the legacy tables)."""
        sql = (
            "SELECT c.case_id, f.system, COALESCE(f.procedure, c.procedure), c.stage, "
            f"f.statutory_deadline, f.suspended_since FROM {self.cases_table} c "
            f"LEFT JOIN {self.facts.table} f ON f.case_id = c.case_id"
        )
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql)
            rows = [row_values(r) for r in cursor.fetchall()]
        return [
            ShownCase(str(c), str(o or BACKBONE), str(p or ""), str(s), _day(d), _day(u))
            for c, o, p, s, d, u in rows
        ]

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

    def positions(self) -> dict[str, int]:
        """Every tracked position: stream -> upstream notification id (and Kafka offset hints)."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT application_name, notification_id FROM {self.positions_table}")
            rows = [row_values(r) for r in cursor.fetchall()]
        return {str(name): int(position) for name, position in rows}


def _day(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value))
