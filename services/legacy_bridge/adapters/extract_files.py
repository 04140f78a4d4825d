"""A nightly extract as the legacy system writes it: a folder with ``zaken.csv`` and
``zaak_statussen.csv`` (UTF-8, comma-separated, a header row naming the columns, an empty field for
NULL; dates ``YYYY-MM-DD``, timestamps ``YYYY-MM-DD HH:MM:SS``), the whole table each night.

The folder's name ends in the night it holds (``extract-2026-03-20``), unless the night is given. The
personal columns are dropped as each line is read, as for Debezium's records, before any value of them
is looked at. A file that cannot be read is an ``ExtractFileError`` naming file, line and column
(never a value): the whole extract is refused, nothing of it imported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TypeVar

from backbone.errors import BackboneError
from services.legacy_bridge.adapters.debezium_records import DATE_COLUMNS, TIMESTAMP_COLUMNS
from services.legacy_bridge.domain.changes import Row
from services.legacy_bridge.domain.extract import KEYS, LegacyExtract
from services.legacy_bridge.domain.legacy_codes import CASES, STATUS_HISTORY, without_personal_data

T = TypeVar("T")
FILES = {CASES: "zaken.csv", STATUS_HISTORY: "zaak_statussen.csv"}
REQUIRED_COLUMNS = {
    CASES: ("zaaknummer", "zaaktype", "status", "datum_ontvangst", "gewijzigd_op"),
    STATUS_HISTORY: ("id", "zaaknummer", "status", "datum_status"),
}
IDENTITY_COLUMNS = {CASES: ("zaaknummer",), STATUS_HISTORY: ("id", "zaaknummer")}
INTEGER_COLUMNS = frozenset({"id"})
NIGHT_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})$")
# The extract holds the night's tables after the day's work: its changes happened at the day's end.
TAKEN_AT = time(23, 59, 59)


class ExtractFileError(BackboneError):
    """An extract the bridge cannot read; the message names the file, the line and the column."""


def night_of(directory: Path) -> date:
    match = NIGHT_IN_NAME.search(directory.name)
    if match is None:
        raise ExtractFileError(
            f"{directory}: the folder's name must end in the extract's night (YYYY-MM-DD), "
            "e.g. extract-2026-03-20; or give the night (--night)"
        )
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        raise ExtractFileError(f"{directory}: {match.group(1)} is not a date") from None


def read_extract(directory: Path, night: date | None = None) -> LegacyExtract:
    night = night or night_of(directory)
    digest = hashlib.sha256()
    rows: dict[str, list[Row]] = {}
    for table, name in FILES.items():
        path = directory / name
        try:
            content = path.read_bytes()
        except OSError as error:
            raise ExtractFileError(f"{path}: cannot be read ({error.strerror})") from None
        digest.update(name.encode() + b"\0" + content + b"\0")
        rows[table] = _rows(table, path, content)
    return LegacyExtract(night, digest.hexdigest(), rows, datetime.combine(night, TAKEN_AT, tzinfo=UTC))


def _rows(table: str, path: Path, content: bytes) -> list[Row]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExtractFileError(f"{path}: byte {error.start}: not UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ExtractFileError(f"{path}: line 1: empty file, expected a header row")
        _check_header(path, table, header)
        rows: list[Row] = []
        lines: dict[object, int] = {}
        key_column = KEYS[table]
        for fields in reader:
            line = reader.line_num
            if not fields:
                continue  # an empty line
            if len(fields) != len(header):
                raise ExtractFileError(
                    f"{path}: line {line}: {len(fields)} fields, the header has {len(header)}"
                )
            row = _row(path, table, line, without_personal_data(dict(zip(header, fields, strict=True))))
            key = row[key_column]
            if key in lines:
                raise ExtractFileError(
                    f"{path}: line {line}, column {key_column}: {key} is on line {lines[key]} too"
                )
            lines[key] = line
            rows.append(row)
    except csv.Error as error:
        raise ExtractFileError(f"{path}: line {reader.line_num}: not CSV ({error})") from None
    return rows


def _check_header(path: Path, table: str, header: list[str]) -> None:
    for column in REQUIRED_COLUMNS[table]:
        if column not in header:
            raise ExtractFileError(f"{path}: line 1, column {column}: missing from the header")
    for n, column in enumerate(header, start=1):
        if not column or header.index(column) != n - 1:
            raise ExtractFileError(f"{path}: line 1, column {n}: empty or repeated column name")


def _row(path: Path, table: str, line: int, fields: dict[str, str]) -> Row:
    row: Row = {
        column: _value(column, text, f"{path}: line {line}, column {column}")
        for column, text in fields.items()
    }
    for column in IDENTITY_COLUMNS[table]:  # a row without them belongs to no case
        if row.get(column) is None:
            raise ExtractFileError(f"{path}: line {line}, column {column}: empty")
    return row


def _value(column: str, text: str, where: str) -> object:
    if text == "":
        return None
    if column in DATE_COLUMNS:
        return _parsed(date.fromisoformat, text, where, "a date (YYYY-MM-DD)")
    if column in TIMESTAMP_COLUMNS:
        moment = _parsed(datetime.fromisoformat, text, where, "a timestamp (YYYY-MM-DD HH:MM:SS)")
        return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    if column in INTEGER_COLUMNS:
        return _parsed(int, text, where, "a whole number")
    return text


def _parsed(parse: Callable[[str], T], text: str, where: str, expected: str) -> T:
    try:
        return parse(text)
    except ValueError:
        raise ExtractFileError(f"{where}: not {expected}") from None
