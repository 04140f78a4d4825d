"""The legacy database's case tables, read directly (the legacy system of record), for reconciliation.
Only the columns the translation needs: of the personal ones, the BSN alone, whose form the translation
checks (it is never kept, logged or compared)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row

from backbone.errors import BackboneError
from services.legacy_bridge.domain.changes import Row

CASE_COLUMNS = "zaaknummer, zaaktype, status, datum_ontvangst, datum_besluit, team, bsn, gewijzigd_op"
HISTORY_COLUMNS = "id, zaaknummer, status, datum_status"


class LegacyTablesUnreadable(BackboneError):
    """The legacy tables are not there as the bridge knows them (a wrong database, a changed schema)."""


def read_legacy_tables(dsn: str) -> tuple[list[Row], list[Row]]:
    """The ``zaken`` and ``zaak_statussen`` rows as they are, read in one repeatable-read transaction
    so that both tables are of the same moment."""
    try:
        return _read(dsn)
    except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn) as error:
        first_line = str(error).strip().splitlines()[0]
        raise LegacyTablesUnreadable(
            f"legacy database: {first_line} (BACKBONE_LEGACY_DATABASE names the legacy case system's "
            "database, with the tables zaken and zaak_statussen)"
        ) from error


def _read(dsn: str) -> tuple[list[Row], list[Row]]:
    with psycopg.connect(dsn, row_factory=dict_row) as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with connection.transaction():
            cases: list[dict[str, Any]] = connection.execute(
                f"SELECT {CASE_COLUMNS} FROM zaken ORDER BY zaaknummer"
            ).fetchall()
            history: list[dict[str, Any]] = connection.execute(
                f"SELECT {HISTORY_COLUMNS} FROM zaak_statussen ORDER BY zaaknummer, id"
            ).fetchall()
    return cases, history
