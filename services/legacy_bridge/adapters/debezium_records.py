"""Debezium's change records (JSON without schemas) as legacy changes.

Debezium writes a ``date`` column as days since 1970-01-01 and a ``timestamp`` column as microseconds
since then; a delete is followed by a tombstone (a record without a value), which carries no change.
The personal columns are dropped here, at the first moment the bridge holds the row, except the BSN,
which the translation needs for the pseudonym and never passes on.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from backbone.errors import BackboneError
from services.legacy_bridge.domain.changes import LegacyChange, Row
from services.legacy_bridge.domain.legacy_codes import without_personal_data

EPOCH_DAY = date(1970, 1, 1)
EPOCH = datetime(1970, 1, 1)
DATE_COLUMNS = frozenset({"datum_ontvangst", "datum_besluit", "datum_status"})
TIMESTAMP_COLUMNS = frozenset({"gewijzigd_op", "geregistreerd_op"})
OPERATIONS = frozenset({"r", "c", "u", "d"})


class ChangeRecordError(BackboneError):
    """A change record the bridge cannot read at all (not a row it cannot translate: that is recorded
    as LegacyChangeNotTranslated). The message names the place and the field, never a value."""


def legacy_change(table: str, value: bytes | None, where: str) -> LegacyChange | None:
    """The change a record's value holds; None for a tombstone. ``where``: topic, partition, offset."""
    if value is None:
        return None
    try:
        record = json.loads(value)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ChangeRecordError(f"{where}: the value is not JSON ({type(error).__name__})") from None
    if not isinstance(record, dict) or record.get("op") not in OPERATIONS:
        raise ChangeRecordError(f"{where}: op: expected one of r, c, u, d")
    try:
        committed_ms = int(record["source"]["ts_ms"])
    except (KeyError, TypeError, ValueError):
        raise ChangeRecordError(f"{where}: source.ts_ms: missing or not a number") from None
    before, after = (_row(record.get(side), f"{where}: {side}") for side in ("before", "after"))
    if before is None and after is None:
        raise ChangeRecordError(f"{where}: before and after: both missing")
    row = after if after is not None else before
    assert row is not None
    if not row.get("zaaknummer"):
        raise ChangeRecordError(f"{where}: zaaknummer: missing")
    committed_at = datetime.fromtimestamp(committed_ms / 1000, tz=UTC)
    return LegacyChange(table, str(record["op"]), before, after, committed_at)


def _row(raw: Any, where: str) -> Row | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ChangeRecordError(f"{where}: not an object")
    return {column: _decoded(column, value, where) for column, value in without_personal_data(raw).items()}


def _decoded(column: str, value: Any, where: str) -> Any:
    if value is None:
        return None
    try:
        if column in DATE_COLUMNS:
            return EPOCH_DAY + timedelta(days=int(value))
        if column in TIMESTAMP_COLUMNS:
            return EPOCH + timedelta(microseconds=int(value))
    except (TypeError, ValueError, OverflowError):
        raise ChangeRecordError(f"{where}.{column}: not a Debezium date or timestamp") from None
    return value
