"""The legacy system's nightly extract: both tables written out whole as CSV, as such systems do for
whoever cannot read their database (a folder ``extract-YYYY-MM-DD`` with ``zaken.csv`` and
``zaak_statussen.csv``, a header row, an empty field for NULL). Personal columns included: it is the
legacy system's file; the bridge drops them as it reads."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path

# The columns in the order of the legacy schema (schema.py).
ZAKEN_COLUMNS = (
    "zaaknummer",
    "zaaktype",
    "status",
    "datum_ontvangst",
    "datum_besluit",
    "behandelaar",
    "team",
    "naam",
    "geboortedatum",
    "bsn",
    "nationaliteit",
    "adres",
    "opmerkingen",
    "gewijzigd_op",
)
STATUS_COLUMNS = ("id", "zaaknummer", "status", "datum_status", "toelichting", "geregistreerd_op")


def extract_folder(parent: Path, night: date) -> Path:
    return parent / f"extract-{night.isoformat()}"


def write_extract(
    parent: Path,
    night: date,
    zaken: Iterable[Mapping[str, object]],
    statussen: Iterable[Mapping[str, object]],
) -> Path:
    """Write the night's extract under ``parent``; returns its folder."""
    folder = extract_folder(parent, night)
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "zaken.csv", ZAKEN_COLUMNS, zaken)
    _write(folder / "zaak_statussen.csv", STATUS_COLUMNS, statussen)
    return folder


def _write(path: Path, columns: tuple[str, ...], rows: Iterable[Mapping[str, object]]) -> None:
    partial = path.with_suffix(".partial")
    with partial.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_text(row.get(column)) for column in columns])
    partial.replace(path)  # a reader never sees half a table


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
