"""The rebuild's path (streams folded in memory, each table written once) against the tracked projection:
the same rows, duplicates skipped, all or nothing, and never over streams already applied."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from backbone.consumer import TrackedConsumer
from backbone.feeds.base import FeedItem
from backbone.feeds.kafka_ranges import PartitionRange
from backbone.feeds.notification_log import NotificationLogFeed
from backbone.stores import build_view
from composition.parts import build_decision, build_decision_consumer, build_intake
from services.control_tower.adapters.bulk_load import GenerationNotEmptyError
from services.control_tower.adapters.rebuild_workers import partition_units
from services.control_tower.adapters.tower_store import PostgresTowerStore, SQLiteTowerStore
from services.control_tower.projections.tower_projection import TowerProjection
from services.control_tower.projections.view_fold import ViewFold
from simulation.plan import SimulationPlan
from simulation.simulator import Simulator
from tests.factories import codec, embedded_settings, simulation_clock

PLAN = SimulationPlan(starts_on=date(2026, 1, 5), weeks=6, scale=0.012, seed=3)
UPSTREAMS = ("intake", "decision")


@pytest.fixture()
def logs(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Intake's and decision's logs after six simulated weeks (hearings, decisions, issuance)."""
    settings = embedded_settings(tmp_path)
    clock = simulation_clock(PLAN)
    intake = build_intake(settings, codec=codec(), clock=clock)
    decision = build_decision(settings, codec=codec(), clock=clock)
    consumer = build_decision_consumer(decision, settings, codec=codec(), intake_log=intake.recorder)

    def settle() -> None:
        consumer.run_until_caught_up()

    Simulator(intake, decision, clock, settle, PLAN).run()
    yield {"intake": intake.recorder, "decision": decision.recorder, "settings": settings}
    intake.close()
    decision.close()


def _items(logs: dict[str, Any], upstream: str) -> list[FeedItem]:
    feed = NotificationLogFeed(
        upstream=upstream, recorder=logs[upstream], codec=codec(), positions=lambda _: None
    )
    return list(feed.poll(100_000, 0))


def _store(logs: dict[str, Any], name: str) -> SQLiteTowerStore:
    store = build_view(name, logs["settings"], SQLiteTowerStore, PostgresTowerStore)
    assert isinstance(store, SQLiteTowerStore)
    return store


def _views(store: SQLiteTowerStore) -> dict[str, Any]:
    return {
        "workload": store.workload(),
        "detail": store.workload_detail(),
        "counts": store.event_counts(),
        "facts": sorted(store.open_facts(), key=lambda f: f.case_id),
        "decided": sorted(store.decided_facts(), key=lambda f: f.case_id),
        "stage_times": store.stage_times(),
        "positions": store.positions(),
        "timeline": [store.case(f.case_id) for f in sorted(store.open_facts(), key=lambda f: f.case_id)],
    }


def _tracked(logs: dict[str, Any]) -> SQLiteTowerStore:
    store = _store(logs, "tracked")
    projection = TowerProjection(store)
    for upstream in UPSTREAMS:
        feed = NotificationLogFeed(
            upstream=upstream, recorder=logs[upstream], codec=codec(), positions=projection.max_position
        )
        TrackedConsumer(feed, projection, batch_size=50).run_until_caught_up(idle_timeout=0)
    return store


def test_the_fold_writes_what_the_tracked_projection_writes_in_any_order(logs: dict[str, Any]) -> None:
    intake, decision = _items(logs, "intake"), _items(logs, "decision")
    assert len(intake) > 500 and len(decision) > 500
    fold = ViewFold()
    fold.add(decision)  # decision's stream before intake's: across services no order is promised
    fold.add(intake[:100])
    fold.add(intake[40:])  # a relay that republished after a crash: 60 events a second time
    assert fold.skipped == 60 and fold.folded == len(intake) + len(decision)
    bulk = _store(logs, "bulk")
    with bulk.bulk_load(list(UPSTREAMS)) as load:
        load.timeline(fold.take_timeline())
        load.finish(fold.rows())
    assert _views(bulk) == _views(_tracked(logs))


def test_a_load_that_fails_midway_leaves_nothing(logs: dict[str, Any]) -> None:
    fold = ViewFold()
    fold.add(_items(logs, "intake"))
    store = _store(logs, "bulk")
    positions = store.positions()  # the library's own migration marker only
    with pytest.raises(RuntimeError, match="worker killed"), store.bulk_load(["intake"]) as load:
        load.timeline(fold.take_timeline())
        raise RuntimeError("worker killed")
    assert store.positions() == positions and store.event_counts() == {} and store.workload() == []
    assert store.case(_items(logs, "intake")[0].envelope.subject) is None


def test_a_load_over_a_stream_already_applied_is_refused_and_changes_nothing(logs: dict[str, Any]) -> None:
    store = _tracked(logs)
    before = _views(store)
    refused = pytest.raises(GenerationNotEmptyError, match="'decision', 'intake'")
    with refused, store.bulk_load(list(UPSTREAMS)):
        pass
    assert _views(store) == before


def _range(topic: str, partition: int, size: int) -> PartitionRange:
    return PartitionRange(topic, topic.split(".")[0], partition, 0, size)


def test_workers_take_partition_numbers_so_a_case_stays_with_one_worker() -> None:
    ranges = [_range(t, p, 10 * (p + 1)) for t in ("intake.events", "decision.events") for p in range(6)]
    units = partition_units(ranges)
    assert len(units) == 6
    for unit in units:
        (number,) = {r.partition for r in unit}
        assert {(r.topic, r.partition) for r in unit} == {
            (t, number) for t in ("intake.events", "decision.events")
        }
    every = [r for unit in units for r in unit]
    assert len(every) == len(ranges) and set(every) == set(ranges)
    assert [unit[0].partition for unit in units] == [5, 4, 3, 2, 1, 0]  # the largest first


def test_topics_with_different_partition_counts_cannot_be_shared() -> None:
    ranges = [_range("intake.events", p, 5) for p in range(6)] + [_range("decision.events", 0, 5)]
    with pytest.raises(ValueError, match="different partition counts"):
        partition_units(ranges)
