"""A nightly full extract of the legacy tables, and what changed since the last one.

A legacy system that cannot be captured change by change writes its whole tables out each night. The
bridge remembers, of the last extract it imported, one print per row (its key, its zaaknummer and a
keyed fingerprint of its columns: no value of the row); tonight's rows against those prints give the
inserts, the updates and the deletes (a row missing tonight was removed), as the same ``LegacyChange``
the change feed hands over. Pure: the files are read by ``adapters/extract_files.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from services.legacy_bridge.domain.changes import LegacyChange, Row
from services.legacy_bridge.domain.legacy_codes import CASES, STATUS_HISTORY

# The key of each table's rows, as the legacy schema has it.
KEYS = {CASES: "zaaknummer", STATUS_HISTORY: "id"}


@dataclass(frozen=True)
class LegacyExtract:
    """One night's extract: its rows per table (personal columns already dropped), in file order.
    ``digest``: SHA-256 of the files' bytes, so that the same night's extract is known again."""

    night: date
    digest: str
    rows: Mapping[str, Sequence[Row]]
    taken_at: datetime  # when the extract was taken: the moment its changes are said to have happened


@dataclass(frozen=True)
class RowPrint:
    """What the bridge keeps of a row of the last extract: enough to tell it changed or went."""

    zaaknummer: str
    fingerprint: str


ExtractIndex = dict[str, dict[str, RowPrint]]  # table -> the row's key -> its print


def empty_index() -> ExtractIndex:
    return {table: {} for table in KEYS}


@dataclass
class ExtractDiff:
    changes: list[LegacyChange] = field(default_factory=list)
    index: ExtractIndex = field(default_factory=empty_index)
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0


def extract_diff(
    previous: ExtractIndex, extract: LegacyExtract, fingerprint: Callable[[Row], str]
) -> ExtractDiff:
    """Tonight's changes against the last extract's prints, ordered so that a case says as little as
    it must: removed cases first (their history goes with them), then the status history, then the
    case rows (which then see their whole history at once)."""
    diff = ExtractDiff()
    removed_cases = _table_diff(diff, previous, extract, CASES, fingerprint)
    history = _table_diff(diff, previous, extract, STATUS_HISTORY, fingerprint)
    diff.changes = [
        *(c for c in removed_cases if c.deleted),
        *history,
        *(c for c in removed_cases if not c.deleted),
    ]
    return diff


def _table_diff(
    diff: ExtractDiff,
    previous: ExtractIndex,
    extract: LegacyExtract,
    table: str,
    fingerprint: Callable[[Row], str],
) -> list[LegacyChange]:
    key_column, before = KEYS[table], previous.get(table, {})
    changes: list[LegacyChange] = []
    tonight = diff.index[table]
    for row in extract.rows.get(table, ()):
        key = str(row[key_column])
        tonight[key] = RowPrint(str(row["zaaknummer"]), fingerprint(row))
        last = before.get(key)
        if last is None:
            changes.append(LegacyChange(table, "c", None, row, extract.taken_at))
            diff.inserted += 1
        elif last.fingerprint != tonight[key].fingerprint:
            changes.append(LegacyChange(table, "u", None, row, extract.taken_at))
            diff.updated += 1
        else:
            diff.unchanged += 1
    for key, last in before.items():
        if key not in tonight:
            gone: Row = {"zaaknummer": last.zaaknummer}
            if key_column != "zaaknummer":
                gone[key_column] = int(key)
            changes.append(LegacyChange(table, "d", gone, None, extract.taken_at))
            diff.deleted += 1
    return changes
