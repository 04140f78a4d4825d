"""A nightly extract of the legacy tables through the bridge: read whole or not at all, compared with
the last one (inserts, updates, deletes), imported exactly once, nothing personal kept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from backbone.clock import ManualClock
from backbone.codec import AvroCodec
from backbone.schemas import SchemaCatalog
from composition.legacy_parts import build_legacy_bridge
from services.legacy_bridge.adapters.extract_files import ExtractFileError, read_extract
from services.legacy_bridge.adapters.extract_index_files import ExtractIndexFiles
from services.legacy_bridge.application.bridge import LegacyBridge
from services.legacy_bridge.application.extract_import import (
    EXTRACT_STREAM,
    ExtractRefused,
    extract_position,
    import_extract,
)
from services.legacy_bridge.domain.extract import empty_index, extract_diff
from simulation.legacy_system.extract_writer import write_extract
from tests.factories import embedded_settings
from tests.legacy_changes import PERSONAL, a_case_row, a_status_row

CODEC = AvroCodec(SchemaCatalog.load())
MONDAY, TUESDAY, WEDNESDAY = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


@pytest.fixture
def bridge(tmp_path: Path) -> Iterator[LegacyBridge]:
    clock = ManualClock(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
    bridge = build_legacy_bridge(embedded_settings(tmp_path), codec=CODEC, clock=clock)
    yield bridge
    bridge.close()


def case(n: int, **overrides: Any) -> dict[str, Any]:
    return a_case_row(zaaknummer=f"Z2026-000000{n}", **overrides)


def history(entry_id: int, n: int, status: str = "ONTV", on: date = MONDAY) -> dict[str, Any]:
    return a_status_row(entry_id, status, on, zaaknummer=f"Z2026-000000{n}")


def extract(tmp_path: Path, night: date, zaken: list[Any], statussen: list[Any]) -> Path:
    return write_extract(tmp_path / "extracts", night, zaken, statussen)


def events_of(bridge: LegacyBridge) -> list[tuple[str, dict[str, Any]]]:
    notifications = bridge.recorder.select_notifications(start=1, limit=1000)
    return [(n.topic.rpartition(".")[2], CODEC.decode_body(n.topic, n.state)) for n in notifications]


def imported(bridge: LegacyBridge, folder: Path, tmp_path: Path) -> Any:
    return import_extract(bridge, read_extract(folder), ExtractIndexFiles(tmp_path / "prints"))


def test_an_extract_is_read_with_its_personal_columns_dropped_and_its_dates_as_dates(
    tmp_path: Path,
) -> None:
    folder = extract(tmp_path, MONDAY, [case(1)], [history(1, 1)])
    read = read_extract(folder)
    assert read.night == MONDAY and read.taken_at == datetime(2026, 3, 2, 23, 59, 59, tzinfo=UTC)
    row = read.rows["zaken"][0]
    assert row["bsn"] == PERSONAL["bsn"]  # kept for the pseudonym only, as from Debezium
    assert not {"naam", "geboortedatum", "adres", "opmerkingen", "behandelaar"} & row.keys()
    assert row["datum_ontvangst"] == MONDAY and row["gewijzigd_op"] == datetime(2026, 3, 2, 9, 30)
    assert "toelichting" not in read.rows["zaak_statussen"][0]


@pytest.mark.parametrize(
    ("file", "content", "message"),
    [
        (
            "zaken.csv",
            "zaaknummer,zaaktype,status,datum_ontvangst,gewijzigd_op\nZ1,GEZIN,ONTV,2-3-2026,"
            "2026-03-02 09:00:00\n",
            "zaken.csv: line 2, column datum_ontvangst: not a date (YYYY-MM-DD)",
        ),
        (
            "zaken.csv",
            "zaaknummer,zaaktype,status,datum_ontvangst,gewijzigd_op\nZ1,GEZIN,ONTV\n",
            "zaken.csv: line 2: 3 fields, the header has 5",
        ),
        (
            "zaken.csv",
            "zaaknummer,zaaktype,status,gewijzigd_op\n",
            "zaken.csv: line 1, column datum_ontvangst: missing from the header",
        ),
        (
            "zaken.csv",
            "zaaknummer,zaaktype,status,datum_ontvangst,gewijzigd_op\n,GEZIN,ONTV,2026-03-02,"
            "2026-03-02 09:00:00\n",
            "zaken.csv: line 2, column zaaknummer: empty",
        ),
        (
            "zaak_statussen.csv",
            "id,zaaknummer,status,datum_status\n1,Z1,ONTV,2026-03-02\nx,Z1,INBH,2026-03-03\n",
            "zaak_statussen.csv: line 3, column id: not a whole number",
        ),
        (
            "zaak_statussen.csv",
            "id,zaaknummer,status,datum_status\n1,Z1,ONTV,2026-03-02\n1,Z1,INBH,2026-03-03\n",
            "zaak_statussen.csv: line 3, column id: 1 is on line 2 too",
        ),
    ],
)
def test_a_malformed_file_is_named_with_its_line_and_column_and_nothing_is_imported(
    tmp_path: Path, bridge: LegacyBridge, file: str, content: str, message: str
) -> None:
    folder = extract(tmp_path, MONDAY, [case(1)], [history(1, 1)])
    (folder / file).write_text(content)
    with pytest.raises(ExtractFileError, match=re.escape(message)):
        imported(bridge, folder, tmp_path)
    assert bridge.max_position(EXTRACT_STREAM) is None and events_of(bridge) == []


def test_a_missing_file_or_a_folder_without_its_night_is_refused(tmp_path: Path) -> None:
    folder = extract(tmp_path, MONDAY, [case(1)], [])
    (folder / "zaak_statussen.csv").unlink()
    with pytest.raises(ExtractFileError, match="zaak_statussen.csv: cannot be read"):
        read_extract(folder)
    with pytest.raises(ExtractFileError, match="must end in the extract's night"):
        read_extract(tmp_path)


def test_the_diff_finds_inserts_updates_and_deletes_and_says_nothing_of_unchanged_rows(
    tmp_path: Path,
) -> None:
    def fingerprint(row: dict[str, Any]) -> str:
        return repr(sorted(row.items()))

    monday = read_extract(extract(tmp_path, MONDAY, [case(1), case(2)], [history(1, 1), history(2, 2)]))
    first = extract_diff(empty_index(), monday, fingerprint)
    assert (first.inserted, first.updated, first.deleted) == (4, 0, 0)
    tuesday = read_extract(
        extract(tmp_path, TUESDAY, [case(1, status="INBH"), case(3)], [history(1, 1), history(3, 3)])
    )
    second = extract_diff(first.index, tuesday, fingerprint)
    assert (second.inserted, second.updated, second.deleted, second.unchanged) == (2, 1, 2, 1)
    ops = [(c.table, c.op, c.zaaknummer) for c in second.changes]
    assert ops == [  # the removed case first, then the history, then the case rows
        ("zaken", "d", "Z2026-0000002"),
        ("zaak_statussen", "c", "Z2026-0000003"),
        ("zaak_statussen", "d", "Z2026-0000002"),
        ("zaken", "u", "Z2026-0000001"),
        ("zaken", "c", "Z2026-0000003"),
    ]


def test_nightly_extracts_become_the_bridges_events_once_and_a_missing_case_is_removed(
    tmp_path: Path, bridge: LegacyBridge
) -> None:
    monday = imported(
        bridge, extract(tmp_path, MONDAY, [case(1), case(2)], [history(1, 1), history(2, 2)]), tmp_path
    )
    assert (monday.inserted, monday.already_imported) == (4, False)
    again = imported(
        bridge, extract(tmp_path, MONDAY, [case(1), case(2)], [history(1, 1), history(2, 2)]), tmp_path
    )
    assert again.already_imported and again.events == 0
    events_after_monday = len(events_of(bridge))
    tuesday_rows = [case(1, status="INBH", gewijzigd_op=datetime(2026, 3, 3, 10))]
    tuesday = imported(
        bridge,
        extract(tmp_path, TUESDAY, tuesday_rows, [history(1, 1), history(3, 1, "INBH", TUESDAY)]),
        tmp_path,
    )
    assert (tuesday.inserted, tuesday.updated, tuesday.deleted) == (1, 1, 2)
    kinds = [kind for kind, _ in events_of(bridge)[events_after_monday:]]
    assert kinds == ["LegacyCaseRemoved", "LegacyCaseObserved", "LegacyCaseObserved"]
    assert bridge.legacy_case("Z2026-0000001").current.legacy_status == "INBH"  # type: ignore[union-attr]
    assert bridge.legacy_case("Z2026-0000002").removed
    assert bridge.max_position(EXTRACT_STREAM) == extract_position(TUESDAY, tuesday.digest)
    correlation = events_of(bridge)[-1][1]["meta"]["correlation_id"]
    assert correlation == "extract:2026-03-03/zaken/Z2026-0000001"


def test_an_older_extract_or_another_one_of_the_same_night_is_refused_and_changes_nothing(
    tmp_path: Path, bridge: LegacyBridge
) -> None:
    imported(bridge, extract(tmp_path, TUESDAY, [case(1)], []), tmp_path)
    recorded = len(events_of(bridge))
    with pytest.raises(ExtractRefused, match="older than the last one imported \\(2026-03-03\\)"):
        imported(bridge, extract(tmp_path, MONDAY, [case(2)], []), tmp_path)
    with pytest.raises(ExtractRefused, match="another extract of 2026-03-03 was imported already"):
        imported(bridge, extract(tmp_path, TUESDAY, [case(1), case(2)], []), tmp_path)
    assert len(events_of(bridge)) == recorded


def test_prints_left_by_an_import_that_crashed_before_its_transaction_are_not_taken_for_the_last(
    tmp_path: Path, bridge: LegacyBridge
) -> None:
    prints = ExtractIndexFiles(tmp_path / "prints")
    imported(bridge, extract(tmp_path, MONDAY, [case(1)], []), tmp_path)
    crashed = read_extract(extract(tmp_path, TUESDAY, [], []))  # it would have removed case 1
    prints.save(extract_position(TUESDAY, crashed.digest), empty_index())
    wednesday = imported(bridge, extract(tmp_path, WEDNESDAY, [case(1), case(2)], []), tmp_path)
    assert (wednesday.inserted, wednesday.unchanged, wednesday.deleted) == (1, 1, 0)
    assert [p.name for p in (tmp_path / "prints").iterdir()] == [
        f"prints-{extract_position(WEDNESDAY, wednesday.digest)}.json"
    ]


def test_no_personal_value_reaches_an_event_or_the_kept_prints(
    tmp_path: Path, bridge: LegacyBridge
) -> None:
    imported(bridge, extract(tmp_path, MONDAY, [case(1)], [history(1, 1)]), tmp_path)
    stored = b"".join(n.state for n in bridge.recorder.select_notifications(start=1, limit=100))
    kept = b"".join(p.read_bytes() for p in (tmp_path / "prints").iterdir())
    for value in (*PERSONAL.values(), "mevrouw Haddad", "jdevries"):
        text = str(value).encode()
        assert text not in stored and text not in kept, value
