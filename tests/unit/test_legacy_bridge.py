"""The legacy bridge on its own embedded store: events per legacy case, exactly once, nothing personal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from eventsourcing.persistence import Tracking
from prometheus_client import REGISTRY

from backbone.clock import ManualClock
from backbone.codec import AvroCodec
from backbone.consumer import TrackedConsumer
from backbone.schemas import SchemaCatalog
from composition.cli.main import main
from composition.legacy_parts import build_legacy_bridge
from services.legacy_bridge.application.bridge import LegacyBridge
from services.legacy_bridge.application.change_items import ChangeItem
from services.legacy_bridge.domain.legacy_case import legacy_case_id
from tests.factories import embedded_settings
from tests.legacy_changes import BSN, PERSONAL, Stream, a_case_row, a_status_row, change

ZAAK = "Z2026-0000001"
CODEC = AvroCodec(SchemaCatalog.load())


@pytest.fixture
def bridge(tmp_path: Path) -> Iterator[LegacyBridge]:
    clock = ManualClock(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
    bridge = build_legacy_bridge(embedded_settings(tmp_path), codec=CODEC, clock=clock)
    yield bridge
    bridge.close()


def apply(bridge: LegacyBridge, items: list[ChangeItem]) -> None:
    bridge.process(items, Tracking(items[-1].stream, items[-1].position))


def events_of(bridge: LegacyBridge) -> list[tuple[str, dict[str, object]]]:
    notifications = bridge.recorder.select_notifications(start=1, limit=1000)
    return [(n.topic, CODEC.decode_body(n.topic, n.state)) for n in notifications]


def test_a_case_observed_then_worked_carries_its_whole_state_each_time(bridge: LegacyBridge) -> None:
    zaken, history = Stream(), Stream("legacy.public.zaak_statussen:p0")
    first = a_case_row()
    suspended = a_case_row(status="OPSC", gewijzigd_op=datetime(2026, 3, 6, 10, 0))
    apply(bridge, [zaken.item(change("zaken", "r", after=first))])
    apply(
        bridge,
        [history.item(change("zaak_statussen", "r", after=a_status_row(1, "ONTV", date(2026, 3, 2))))],
    )
    apply(bridge, [zaken.item(change("zaken", "u", before=first, after=suspended))])
    apply(
        bridge,
        [history.item(change("zaak_statussen", "c", after=a_status_row(2, "OPSC", date(2026, 3, 5))))],
    )

    events = events_of(bridge)
    assert [topic for topic, _ in events] == ["nl.ind.legacy.LegacyCaseObserved"] * 4
    last = events[-1][1]
    assert last["meta"]["aggregate_id"] == legacy_case_id(ZAAK)  # type: ignore[index]
    assert (last["stage"], last["legacy_status"], last["suspended_since"]) == (
        "waiting_on_applicant",
        "OPSC",
        date(2026, 3, 5),  # the history row's date, once it arrived
    )
    assert last["changed"] == ["suspended_since", "status_history"]
    assert events[0][1]["changed"] == ["first_seen"]
    assert bridge.max_position("legacy.public.zaken:p0") == 2


def test_a_redelivered_change_records_nothing(bridge: LegacyBridge) -> None:
    zaken = Stream()
    items = [zaken.item(change("zaken", "r", after=a_case_row()))]

    class Redelivering:
        def __init__(self) -> None:
            self.polls = 0

        def poll(self, max_items: int, timeout: float) -> list[ChangeItem]:
            self.polls += 1
            return items if self.polls <= 2 else []

        def acknowledge(self, items: object) -> None: ...

        def rewind(self) -> None: ...

        def close(self) -> None: ...

    consumer = TrackedConsumer(Redelivering(), bridge)
    consumer.run_until_caught_up(idle_timeout=0)
    assert (consumer.stats.applied, consumer.stats.skipped) == (1, 1)
    assert len(events_of(bridge)) == 1


def test_an_address_correction_says_nothing_and_a_receipt_date_correction_says_what_changed(
    bridge: LegacyBridge,
) -> None:
    zaken = Stream()
    row = a_case_row()
    moved = a_case_row(adres="Kerkweg 3, Almere", gewijzigd_op=datetime(2026, 3, 9, 9, 0))
    corrected = a_case_row(datum_ontvangst=date(2026, 2, 27), gewijzigd_op=datetime(2026, 3, 9, 9, 0))
    apply(bridge, [zaken.item(change("zaken", "r", after=row))])
    apply(bridge, [zaken.item(change("zaken", "u", before=row, after=moved))])
    assert len(events_of(bridge)) == 1
    apply(bridge, [zaken.item(change("zaken", "u", before=moved, after=corrected))])
    _, record = events_of(bridge)[-1]
    assert record["received_on"] == date(2026, 2, 27)
    assert record["changed"] == ["received_on"]


def test_a_deleted_case_is_removed_and_its_late_history_deletions_say_nothing(bridge: LegacyBridge) -> None:
    zaken, history = Stream(), Stream("legacy.public.zaak_statussen:p0")
    row, entry = a_case_row(), a_status_row(1, "ONTV", date(2026, 3, 2))
    apply(bridge, [zaken.item(change("zaken", "c", after=row))])
    apply(bridge, [zaken.item(change("zaken", "d", before=row)), zaken.item(None)])  # and its tombstone
    apply(bridge, [history.item(change("zaak_statussen", "d", before=entry)), history.item(None)])
    topics = [topic for topic, _ in events_of(bridge)]
    assert topics == ["nl.ind.legacy.LegacyCaseObserved", "nl.ind.legacy.LegacyCaseRemoved"]
    assert bridge.legacy_case(ZAAK).removed


def test_history_before_its_case_row_is_kept_and_used_when_the_row_comes(bridge: LegacyBridge) -> None:
    zaken, history = Stream(), Stream("legacy.public.zaak_statussen:p0")
    apply(
        bridge,
        [history.item(change("zaak_statussen", "r", after=a_status_row(1, "VERL", date(2026, 3, 9))))],
    )
    apply(
        bridge,
        [
            zaken.item(
                change("zaken", "r", after=a_case_row(status="BESL", datum_besluit=date(2026, 3, 19)))
            )
        ],
    )
    (first, _), (_, record) = events_of(bridge)
    assert first == "nl.ind.legacy.LegacyStatusHistoryObserved"
    assert (record["stage"], record["extended"]) == ("decided", True)


def test_untranslatable_changes_are_recorded_counted_and_listed_and_the_stream_goes_on(
    bridge: LegacyBridge,
) -> None:
    def counted() -> float:
        value = REGISTRY.get_sample_value(
            "backbone_legacy_changes_not_translated_total", {"table": "zaken", "rule": "unknown_status"}
        )
        return value or 0.0

    before = counted()
    zaken = Stream()
    apply(
        bridge,
        [
            zaken.item(change("zaken", "c", after=a_case_row(status="XYZQ"))),
            zaken.item(change("zaken", "c", after=a_case_row(zaaknummer="Z2026-0000002"))),
        ],
    )
    (listed,) = bridge.not_translated()
    assert (listed.zaaknummer, listed.table, listed.column, listed.rule, listed.code) == (
        ZAAK,
        "zaken",
        "status",
        "unknown_status",
        "XYZQ",
    )
    assert listed.case_id == legacy_case_id(ZAAK)
    assert counted() == before + 1
    assert bridge.legacy_case("Z2026-0000002").current is not None


def test_no_personal_value_is_in_any_event_the_bridge_stores(bridge: LegacyBridge) -> None:
    zaken, history = Stream(), Stream("legacy.public.zaak_statussen:p0")
    row = a_case_row()
    apply(bridge, [zaken.item(change("zaken", "r", after=row))])
    apply(
        bridge,
        [history.item(change("zaak_statussen", "r", after=a_status_row(1, "ONTV", date(2026, 3, 2))))],
    )
    apply(bridge, [zaken.item(change("zaken", "u", before=row, after=a_case_row(status="QQQQ")))])
    apply(bridge, [zaken.item(change("zaken", "d", before=row))])
    stored = b"".join(n.state for n in bridge.recorder.select_notifications(start=1, limit=1000))
    assert len(events_of(bridge)) == 4
    personal = [v for v in PERSONAL.values() if isinstance(v, str)] + ["jdevries", "mevrouw Haddad"]
    for value in personal:
        assert value.encode() not in stored, value
    assert BSN.encode() not in stored
    birth_date_days = (PERSONAL["geboortedatum"] - date(1970, 1, 1)).days  # type: ignore[operator]
    decoded = [record for _, record in events_of(bridge)]
    assert all(birth_date_days not in _values(record) for record in decoded)


def _values(record: object) -> list[object]:
    if isinstance(record, dict):
        return [v for value in record.values() for v in _values(value)]
    if isinstance(record, list):
        return [v for value in record for v in _values(value)]
    if isinstance(record, date):
        return [(record - date(1970, 1, 1)).days] if not isinstance(record, datetime) else []
    return [record]


def test_the_command_line_lists_the_refused_changes(
    bridge: LegacyBridge,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    apply(bridge, [Stream().item(change("zaken", "c", after=a_case_row(zaaktype="ARBEID")))])
    bridge.close()
    capsys.readouterr()  # the bridge's own log line of the refusal
    monkeypatch.setenv("BACKBONE_DATA_DIR", str(tmp_path))
    assert main(["legacy", "not-translated", "--json"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 1, out
    (line,) = lines
    listed = json.loads(line)
    assert (listed["zaaknummer"], listed["column"], listed["rule"], listed["code"]) == (
        ZAAK,
        "zaaktype",
        "unknown_zaaktype",
        "ARBEID",
    )
