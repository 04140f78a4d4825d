"""The legacy bridge's events in the control tower: each observation replaces the case's state, a removal
takes the case out of every view, the deadline runs on the backbone's statutory clock, and the rebuild's
fold writes what the tracked projection writes. The bridge is the real one on its embedded store, fed
legacy changes as the change feed hands them over."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from backbone.clock import ManualClock
from backbone.consumer import TrackedConsumer
from backbone.feeds.base import FeedItem
from backbone.feeds.notification_log import NotificationLogFeed
from backbone.stores import build_view
from composition.legacy_parts import build_legacy_bridge
from services.control_tower.adapters.tower_store import PostgresTowerStore, SQLiteTowerStore
from services.control_tower.application.catalogue import VIEWS
from services.control_tower.application.view_spec import ViewRequest
from services.control_tower.projections.tower_projection import TowerProjection
from services.control_tower.projections.view_fold import ViewFold
from services.legacy_bridge.application.bridge import LegacyBridge
from services.legacy_bridge.application.change_items import ChangeItem
from services.legacy_bridge.domain.legacy_case import legacy_case_id
from tests.factories import codec, embedded_settings
from tests.legacy_changes import Stream, a_case_row, a_status_row, change

LEGACY = "legacy_bridge"
ZAAK = "Z2026-0000001"
CASE = str(legacy_case_id(ZAAK))
TODAY = date(2026, 4, 11)


@pytest.fixture
def bridge(tmp_path: Path) -> Iterator[LegacyBridge]:
    clock = ManualClock(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
    bridge = build_legacy_bridge(embedded_settings(tmp_path), codec=codec(), clock=clock)
    yield bridge
    bridge.close()


@pytest.fixture
def tower(tmp_path: Path) -> Iterator[SQLiteTowerStore]:
    store = build_view("tracked", embedded_settings(tmp_path), SQLiteTowerStore, PostgresTowerStore)
    assert isinstance(store, SQLiteTowerStore)
    yield store
    store.datastore.close()


def apply(bridge: LegacyBridge, *items: ChangeItem) -> None:
    bridge.process(list(items), Tracking(items[-1].stream, items[-1].position))


def catch_up(bridge: LegacyBridge, tower: SQLiteTowerStore, batch_size: int = 100) -> None:
    projection = TowerProjection(tower)
    feed = NotificationLogFeed(
        upstream=LEGACY, recorder=bridge.recorder, codec=codec(), positions=projection.max_position
    )
    TrackedConsumer(feed, projection, batch_size=batch_size).run_until_caught_up(idle_timeout=0)


def view(tower: SQLiteTowerStore, name: str, **values: Any) -> Any:
    request = ViewRequest(TODAY, datetime(2026, 4, 11, 12, tzinfo=UTC), values)
    return VIEWS[name].compute(tower, replace(request, values={**_defaults(name), **values}))


def _defaults(name: str) -> dict[str, Any]:
    return {p.name: p.default for p in VIEWS[name].parameters}


def inflow(tower: SQLiteTowerStore, **filters: Any) -> int:
    return sum(week["inflow"] for week in view(tower, "throughput", **filters)["weeks"])


def a_family_case_suspended_on_1_april(bridge: LegacyBridge) -> Stream:
    zaken, history = Stream(), Stream("legacy.public.zaak_statussen:p0")
    first = a_case_row()
    apply(bridge, zaken.item(change("zaken", "r", after=first)))
    apply(
        bridge, history.item(change("zaak_statussen", "r", after=a_status_row(1, "ONTV", date(2026, 3, 2))))
    )
    suspended = a_case_row(status="OPSC", gewijzigd_op=datetime(2026, 4, 1, 9, 0))
    apply(bridge, zaken.item(change("zaken", "u", before=first, after=suspended)))
    apply(
        bridge, history.item(change("zaak_statussen", "c", after=a_status_row(2, "OPSC", date(2026, 4, 1))))
    )
    return zaken


def test_a_legacy_case_shows_in_the_workload_with_its_latest_stage_and_the_legacy_system(
    bridge: LegacyBridge, tower: SQLiteTowerStore
) -> None:
    a_family_case_suspended_on_1_april(bridge)
    catch_up(bridge, tower, batch_size=1)  # one observation at a time: each replaces the last
    assert view(tower, "workload") == [
        {"procedure": "family", "stage": "waiting_on_applicant", "open_cases": 1}
    ]
    assert view(tower, "workload", group_by="system") == [
        {"procedure": "family", "stage": "waiting_on_applicant", "system": "legacy", "open_cases": 1}
    ]
    case = view(tower, "case", case_id=CASE)
    assert (case["system"], case["team"], case["received_on"]) == ("legacy", "Zwolle-A", "2026-03-02")


def test_an_open_suspension_pushes_the_legacy_deadline_along_to_the_day_of_the_view(
    bridge: LegacyBridge, tower: SQLiteTowerStore
) -> None:
    a_family_case_suspended_on_1_april(bridge)
    catch_up(bridge, tower)
    # 2 March + 90 days = Sunday 31 May, so Monday 1 June; suspended since 1 April, read on 11 April:
    # ten days later.
    case = view(tower, "case", case_id=CASE)
    assert (case["statutory_deadline"], case["suspended_since"]) == ("2026-06-11", "2026-04-01")
    assert case["days_remaining"] == (date(2026, 6, 11) - TODAY).days
    assert view(tower, "deadline-risk")["buckets"]["later"] == 1


def test_an_ended_suspension_and_an_extension_come_from_the_status_history(
    bridge: LegacyBridge, tower: SQLiteTowerStore
) -> None:
    zaken = a_family_case_suspended_on_1_april(bridge)
    history = Stream("legacy.public.zaak_statussen:p1")
    suspended = a_case_row(status="OPSC", gewijzigd_op=datetime(2026, 4, 1, 9, 0))
    extended = a_case_row(status="VERL", gewijzigd_op=datetime(2026, 4, 6, 9, 0))
    apply(
        bridge, history.item(change("zaak_statussen", "c", after=a_status_row(3, "VERL", date(2026, 4, 6))))
    )
    apply(bridge, zaken.item(change("zaken", "u", before=suspended, after=extended)))
    catch_up(bridge, tower)
    # Suspended 1 to 6 April: 5 days; extended by 90 days: 31 May + 90 + 5 = Thursday 3 September.
    case = view(tower, "case", case_id=CASE)
    assert (case["stage"], case["suspended_since"]) == ("in_decision", None)
    assert case["statutory_deadline"] == "2026-09-03"


def test_a_removed_legacy_case_leaves_every_view(bridge: LegacyBridge, tower: SQLiteTowerStore) -> None:
    zaken = a_family_case_suspended_on_1_april(bridge)
    catch_up(bridge, tower)
    assert inflow(tower, system="legacy") == 1 and inflow(tower, system="backbone") == 0
    suspended = a_case_row(status="OPSC", gewijzigd_op=datetime(2026, 4, 1, 9, 0))
    apply(bridge, zaken.item(change("zaken", "d", before=suspended)))
    catch_up(bridge, tower)
    assert view(tower, "workload") == []
    assert view(tower, "deadline-risk")["buckets"]["later"] == 0
    assert inflow(tower, system="legacy") == 0
    assert sum(view(tower, "aging")["age_bands"].values()) == 0
    assert tower.case(CASE) is None
    assert tower.event_counts()["nl.ind.legacy.LegacyCaseRemoved"] == 1


def test_a_removal_in_the_same_batch_as_the_observations_leaves_nothing(
    bridge: LegacyBridge, tower: SQLiteTowerStore
) -> None:
    zaken = a_family_case_suspended_on_1_april(bridge)
    suspended = a_case_row(status="OPSC", gewijzigd_op=datetime(2026, 4, 1, 9, 0))
    apply(bridge, zaken.item(change("zaken", "d", before=suspended)))
    catch_up(bridge, tower)  # one batch: observed, observed, removed
    assert view(tower, "workload") == [] and tower.case(CASE) is None


def test_refused_changes_and_early_history_rows_are_counted_and_change_no_view(
    bridge: LegacyBridge, tower: SQLiteTowerStore
) -> None:
    early = a_status_row(1, "ONTV", date(2026, 3, 2), zaaknummer="Z2026-0000002")
    apply(
        bridge, Stream("legacy.public.zaak_statussen:p0").item(change("zaak_statussen", "r", after=early))
    )
    apply(bridge, Stream().item(change("zaken", "c", after=a_case_row(status="XYZQ"))))
    catch_up(bridge, tower)
    assert view(tower, "workload") == []
    assert tower.case(str(legacy_case_id("Z2026-0000002"))) is None and tower.case(CASE) is None
    assert tower.event_counts() == {
        "nl.ind.legacy.LegacyStatusHistoryObserved": 1,
        "nl.ind.legacy.LegacyChangeNotTranslated": 1,
    }


def test_an_older_observation_never_replaces_a_later_one(
    bridge: LegacyBridge, tower: SQLiteTowerStore
) -> None:
    a_family_case_suspended_on_1_april(bridge)
    items = _items(bridge)
    projection = TowerProjection(tower)
    projection.process(items[-1:], Tracking(LEGACY, items[-1].position))  # the latest first
    projection.process(items[:1], Tracking("replayed", items[0].position))  # then the first again
    assert view(tower, "workload") == [
        {"procedure": "family", "stage": "waiting_on_applicant", "open_cases": 1}
    ]
    assert view(tower, "case", case_id=CASE)["suspended_since"] == "2026-04-01"


def test_the_rebuild_fold_writes_what_the_tracked_projection_writes(
    bridge: LegacyBridge, tower: SQLiteTowerStore, tmp_path: Path
) -> None:
    zaken = a_family_case_suspended_on_1_april(bridge)
    second = a_case_row(zaaknummer="Z2026-0000002", zaaktype="STUDIE", team="Utrecht-B")
    apply(bridge, zaken.item(change("zaken", "r", after=second)))
    suspended = a_case_row(status="OPSC", gewijzigd_op=datetime(2026, 4, 1, 9, 0))
    apply(bridge, zaken.item(change("zaken", "d", before=suspended)))
    apply(bridge, zaken.item(change("zaken", "c", after=a_case_row(status="ONTV"))))  # registered again
    catch_up(bridge, tower, batch_size=2)
    fold = ViewFold()
    fold.add(_items(bridge))
    bulk = build_view("bulk", embedded_settings(tmp_path), SQLiteTowerStore, PostgresTowerStore)
    assert isinstance(bulk, SQLiteTowerStore)
    with bulk.bulk_load([LEGACY]) as load:
        load.timeline(fold.take_timeline())
        load.finish(fold.rows())
    assert _views(bulk) == _views(tower)
    assert [row["open_cases"] for row in view(bulk, "workload")] == [1, 1]
    assert [event for _, event, _ in bulk.case(CASE)[3]] == ["nl.ind.legacy.LegacyCaseObserved"]  # type: ignore[index]
    bulk.datastore.close()


def _items(bridge: LegacyBridge) -> list[FeedItem]:
    feed = NotificationLogFeed(
        upstream=LEGACY, recorder=bridge.recorder, codec=codec(), positions=lambda _: None
    )
    return list(feed.poll(1000, 0))


def _views(store: SQLiteTowerStore) -> dict[str, Any]:
    facts = sorted(store.open_facts(), key=lambda f: f.case_id)
    return {
        "detail": store.workload_detail(),
        "counts": store.event_counts(),
        "facts": facts,
        "timeline": [store.case(f.case_id) for f in facts],
        "positions": store.positions(),
    }
