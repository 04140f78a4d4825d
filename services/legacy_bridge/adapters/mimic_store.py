"""The legacy mimic's writes to the legacy database, with its positions in the same database.

The status writes, the mimic's own tables (which cases it keeps current) and its tracking row
(``backbone_mimic_positions``, eventsourcing's tracking table) are written in one PostgreSQL
transaction: a redelivered event is skipped, a crash loses nothing and writes nothing twice. The
transaction sets ``backbone.written_by`` locally, so the legacy tables' triggers mark its rows as the
mimic's (``simulation/legacy_system/schema.py``; a real legacy database gets them from its DBA).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL, Identifier

from backbone.errors import ConfigurationError
from services.legacy_bridge.domain.legacy_codes import CASES, STATUS_HISTORY
from services.legacy_bridge.domain.mimic import (
    MARKER_COLUMNS,
    MIMIC,
    CaseMoved,
    CaseReturned,
    MimicAction,
    StatusWrite,
)

POSITIONS_TABLE = "backbone_mimic_positions"
CASES_TABLE = "backbone_mimic_cases"
NO_LEGACY_CODE, ROW_MISSING = "no_legacy_code", "legacy_row_missing"


@dataclass(frozen=True)
class MimicStep:
    """One decision event of a case: what the mimic does for it, and when it happened."""

    case_id: UUID
    action: MimicAction | None
    happened_at: datetime  # naive UTC, as the legacy tables keep their timestamps


@dataclass
class MimicOutcome:
    """What a committed batch did: rows written by table, events skipped by reason."""

    written: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)


class LegacyMimicStore(PostgresTrackingRecorder):
    def __init__(self, datastore: PostgresDatastore) -> None:
        super().__init__(datastore, tracking_table_name=POSITIONS_TABLE)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (case_id uuid PRIMARY KEY, "
                "zaaknummer text NOT NULL, returned boolean NOT NULL DEFAULT false)"
            ).format(Identifier(CASES_TABLE))
        )

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=False) as cursor:
            for table, column in MARKER_COLUMNS.items():
                cursor.execute(
                    "SELECT 1 FROM information_schema.columns WHERE table_schema = %s "
                    "AND table_name = %s AND column_name = %s",
                    (self.datastore.schema, table, column),
                )
                if cursor.fetchone() is None:
                    raise ConfigurationError(
                        f"the legacy table {table} has no column {column}: the legacy mimic marks its "
                        "writes there (see simulation/legacy_system/schema.py for the columns and triggers)"
                    )

    def apply(self, steps: Sequence[MimicStep], tracking: Tracking) -> MimicOutcome:
        """Write ``steps`` and record ``tracking``, in one transaction."""
        outcome = MimicOutcome()
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT set_config('backbone.written_by', %s, true)", (MIMIC,))
            for step in steps:
                self._apply(cursor, step, outcome)
            self._insert_tracking(cursor, tracking)
        return outcome

    def zaaknummer_of(self, case_id: UUID) -> str | None:
        """The legacy case the mimic keeps current for ``case_id`` (None: not a moved case, or returned)."""
        with self.datastore.transaction(commit=False) as cursor:
            return _moved(cursor, case_id)

    def close(self) -> None:
        self.datastore.close()

    def _apply(self, cursor: Any, step: MimicStep, outcome: MimicOutcome) -> None:
        action = step.action
        if isinstance(action, CaseMoved):
            cursor.execute(
                f"INSERT INTO {CASES_TABLE} (case_id, zaaknummer) VALUES (%s, %s) "
                "ON CONFLICT (case_id) DO UPDATE SET returned = false",
                (step.case_id, action.zaaknummer),
            )
            return
        if isinstance(action, CaseReturned):
            cursor.execute(f"UPDATE {CASES_TABLE} SET returned = true WHERE case_id = %s", (step.case_id,))
            return
        zaaknummer = _moved(cursor, step.case_id)
        if zaaknummer is None:
            return  # a case the backbone opened itself: the legacy system never had it
        if action is None:
            outcome.skipped[NO_LEGACY_CODE] += 1
            return
        self._write_status(cursor, zaaknummer, action, step.happened_at, outcome)

    def _write_status(
        self, cursor: Any, zaaknummer: str, write: StatusWrite, at: datetime, outcome: MimicOutcome
    ) -> None:
        cursor.execute(
            "UPDATE zaken SET status = %s, datum_besluit = COALESCE(%s, datum_besluit), "
            "gewijzigd_op = %s WHERE zaaknummer = %s",
            (write.status, write.decided_on, at, zaaknummer),
        )
        if cursor.rowcount == 0:
            # Deleted in the legacy system after the cutover: the bridge lists that as a conflict.
            outcome.skipped[ROW_MISSING] += 1
            return
        cursor.execute(
            "INSERT INTO zaak_statussen (zaaknummer, status, datum_status, geregistreerd_op) "
            "VALUES (%s, %s, %s, %s)",
            (zaaknummer, write.status, write.on, at),
        )
        outcome.written[CASES] += 1
        outcome.written[STATUS_HISTORY] += 1


def _moved(cursor: Any, case_id: UUID) -> str | None:
    cursor.execute(f"SELECT zaaknummer FROM {CASES_TABLE} WHERE case_id = %s AND NOT returned", (case_id,))
    row = cursor.fetchone()
    return None if row is None else str(row["zaaknummer"])
