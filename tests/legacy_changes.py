"""Legacy rows and changes as the change feed hands them to the bridge, for the bridge's tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from services.legacy_bridge.application.change_items import ChangeItem
from services.legacy_bridge.domain.changes import LegacyChange

COMMITTED = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
BSN = "123456782"
PERSONAL = {
    "naam": "Yara Haddad",
    "geboortedatum": date(1990, 5, 17),
    "bsn": BSN,
    "nationaliteit": "SYR",
    "adres": "Dorpsstraat 12, Zwolle",
    "opmerkingen": "belde over haar dochter",
}


def a_case_row(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "zaaknummer": "Z2026-0000001",
        "zaaktype": "GEZIN",
        "status": "ONTV",
        "datum_ontvangst": date(2026, 3, 2),
        "datum_besluit": None,
        "behandelaar": "jdevries",
        "team": "Zwolle-A",
        **PERSONAL,
        "gewijzigd_op": datetime(2026, 3, 2, 9, 30),
    }
    row.update(overrides)
    return row


def a_status_row(entry_id: int, status: str, on: date, zaaknummer: str = "Z2026-0000001") -> dict[str, Any]:
    return {
        "id": entry_id,
        "zaaknummer": zaaknummer,
        "status": status,
        "datum_status": on,
        "toelichting": "klant belde, mevrouw Haddad",
        "geregistreerd_op": datetime.combine(on, datetime.min.time()),
    }


def change(table: str, op: str, before: Any = None, after: Any = None) -> LegacyChange:
    return LegacyChange(table, op, before, after, COMMITTED)


class Stream:
    """Numbered items of one change stream, as a feed would hand them over."""

    def __init__(self, name: str = "legacy.public.zaken:p0") -> None:
        self.name = name
        self.offset = 0

    def item(self, legacy_change: LegacyChange | None) -> ChangeItem:
        self.offset += 1
        return ChangeItem(self.name, self.offset, legacy_change)
