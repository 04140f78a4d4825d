"""The legacy tables as they are now, translated by the same rules as the bridge translates their
changes (``translation.py``): what the backbone should show of every legacy case. Pure; the rows come
from an adapter (``adapters/legacy_tables.py``). Reconciliation reads the legacy system of record with
it, instead of copying the bridge's rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from services.legacy_bridge.domain.changes import LegacyChange, NotTranslated, Row, StatusEntry
from services.legacy_bridge.domain.legacy_codes import CASES, STATUS_HISTORY
from services.legacy_bridge.domain.translation import (
    Pseudonymise,
    TranslatedCase,
    case_row,
    status_entry,
    translated,
)


@dataclass(frozen=True)
class LegacyTables:
    """Every case row translated, and every row the bridge would refuse (it keeps refusing them)."""

    cases: list[TranslatedCase]
    refusals: list[NotTranslated]


def translate_tables(
    case_rows: Iterable[Row], history_rows: Iterable[Row], pseudonymise: Pseudonymise, read_at: datetime
) -> LegacyTables:
    """``case_rows`` of ``zaken`` and ``history_rows`` of ``zaak_statussen``, read at ``read_at`` (a
    row received after that day is refused as the bridge would refuse it then)."""
    history: dict[str, list[StatusEntry]] = {}
    refusals: list[NotTranslated] = []
    for row in history_rows:
        entry = status_entry(_read(STATUS_HISTORY, row, read_at))
        if isinstance(entry, NotTranslated):
            refusals.append(entry)
        else:
            history.setdefault(str(row["zaaknummer"]), []).append(entry)
    cases: list[TranslatedCase] = []
    for row in case_rows:
        translated_row = case_row(_read(CASES, row, read_at), pseudonymise)
        if isinstance(translated_row, NotTranslated):
            refusals.append(translated_row)
        else:
            cases.append(translated(translated_row, history.get(translated_row.zaaknummer, ())))
    return LegacyTables(cases, refusals)


def _read(table: str, row: Row, read_at: datetime) -> LegacyChange:
    """A row as read now: the change a snapshot of it would be."""
    return LegacyChange(table=table, op="r", before=None, after=row, committed_at=read_at)
