"""A change of one legacy row, as the change feed decodes it, and what the bridge makes of a row it
cannot translate. No I/O: the adapter turns Debezium's records into these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

Row = dict[str, Any]  # a legacy row: dates as ``date``, timestamps as ``datetime``


@dataclass(frozen=True)
class LegacyChange:
    """One insert (``c``), snapshot read (``r``), update (``u``) or delete (``d``) of a legacy row."""

    table: str
    op: str
    before: Row | None
    after: Row | None
    committed_at: datetime  # when the legacy database committed it (or the snapshot read it)

    @property
    def row(self) -> Row:
        """The row as it is after the change (as it was, for a delete)."""
        row = self.after if self.after is not None else self.before
        if row is None:
            raise ValueError(f"a change of {self.table} without a before or an after row")
        return row

    @property
    def zaaknummer(self) -> str:
        return str(self.row["zaaknummer"])

    @property
    def deleted(self) -> bool:
        return self.op == "d"


class Rule(StrEnum):
    """Why a legacy row was not translated."""

    UNKNOWN_STATUS = "unknown_status"
    UNKNOWN_ZAAKTYPE = "unknown_zaaktype"
    MISSING_VALUE = "missing_value"
    RECEIVED_IN_FUTURE = "received_in_future"  # datum_ontvangst after the day of the change
    RECEIVED_BEFORE_CATALOGUE = "received_before_catalogue"  # before the first policy version
    DECIDED_BEFORE_RECEIVED = "decided_before_received"
    NO_EXTENSION_RULE = "no_extension_rule"  # VERL for a procedure that cannot be extended
    NOT_A_BSN = "not_a_bsn"


@dataclass(frozen=True)
class NotTranslated:
    """A row the bridge refused: which row, which column, which rule, and the offending code (only a
    code from a code list, never a personal value or a date)."""

    zaaknummer: str
    table: str
    column: str
    rule: Rule
    code: str | None = None


@dataclass(frozen=True, order=True)
class StatusEntry:
    """One row of a case's status history (``zaak_statussen``), without its free text."""

    on: date
    entry_id: int
    status: str
