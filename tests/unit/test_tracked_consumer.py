"""Exactly-once effects on the embedded stores: duplicates are skipped, a crash loses nothing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from backbone.consumer import TrackedConsumer
from backbone.feeds.base import FeedItem
from backbone.feeds.notification_log import NotificationLogFeed
from backbone.stores import build_view
from composition.parts import build_decision, build_decision_consumer, build_intake
from services.control_tower.adapters.tower_store import (
    PostgresTowerStore,
    SQLiteTowerStore,
)
from services.control_tower.projections.tower_projection import TowerProjection
from services.intake.application.commands import AcceptApplication
from tests.factories import a_submission, clock, codec, embedded_settings


class SimulatedCrash(Exception):
    pass


class CrashingStore(SQLiteTowerStore):
    """Writes the view rows, then dies before the tracking row, inside the same transaction."""

    calls = 0
    crash_on_call = 2

    def _insert_tracking(self, cursor: Any, tracking: Any) -> None:
        CrashingStore.calls += 1
        if CrashingStore.calls == CrashingStore.crash_on_call:
            raise SimulatedCrash("killed between effect and position")
        super()._insert_tracking(cursor, tracking)


class ReplayingFeed:
    """Delivers everything its inner feed delivers, twice: as a relay does after a crash."""

    def __init__(self, inner: NotificationLogFeed) -> None:
        self.inner = inner

    def poll(self, max_items: int, timeout: float) -> Sequence[FeedItem]:
        items = list(self.inner.poll(max_items, timeout))
        return items + items

    def acknowledge(self, items: Sequence[FeedItem]) -> None: ...

    def rewind(self) -> None:
        self.inner.rewind()

    def close(self) -> None: ...


@pytest.fixture
def intake(tmp_path: Path):
    intake = build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())
    for n in range(20):
        application_id = intake.submit_application(a_submission(applicant_ref=f"P-{n:016x}"))
        intake.execute(application_id, AcceptApplication())
    return intake


def tower(
    tmp_path: Path, store_class: type[SQLiteTowerStore], intake: Any, batch: int
) -> TrackedConsumer[FeedItem]:
    store = build_view("control_tower", embedded_settings(tmp_path), store_class, PostgresTowerStore)
    feed = NotificationLogFeed(
        upstream="intake", recorder=intake.recorder, codec=codec(), positions=store.max_tracking_id
    )
    return TrackedConsumer(feed, TowerProjection(store), batch_size=batch)


def test_redelivered_events_are_applied_once(tmp_path: Path, intake) -> None:
    consumer = tower(tmp_path, SQLiteTowerStore, intake, batch=7)
    consumer.feed = ReplayingFeed(consumer.feed)  # type: ignore[arg-type, assignment]
    consumer.run_until_caught_up(idle_timeout=0)
    store = consumer.processor.store  # type: ignore[attr-defined]
    assert store.event_counts() == {
        "nl.ind.intake.ApplicationSubmitted": 20,
        "nl.ind.intake.ApplicationAccepted": 20,
    }
    assert consumer.stats.applied == 40 and consumer.stats.skipped == 40


def test_a_crash_inside_the_transaction_loses_and_duplicates_nothing(tmp_path: Path, intake) -> None:
    consumer = tower(tmp_path, CrashingStore, intake, batch=8)
    CrashingStore.calls = 0  # creating the table wrote a tracking row of its own
    consumer.step(timeout=0)  # first batch commits
    with pytest.raises(SimulatedCrash):
        consumer.step(timeout=0)  # second batch: rows written, then the crash
    store = consumer.processor.store  # type: ignore[attr-defined]
    assert store.max_tracking_id("intake") == 8
    assert sum(store.event_counts().values()) == 8
    restarted = tower(tmp_path, SQLiteTowerStore, intake, batch=8)
    restarted.run_until_caught_up(idle_timeout=0)
    assert restarted.processor.store.event_counts() == {  # type: ignore[attr-defined]
        "nl.ind.intake.ApplicationSubmitted": 20,
        "nl.ind.intake.ApplicationAccepted": 20,
    }


def test_decision_opens_each_case_once_across_a_restart(tmp_path: Path, intake) -> None:
    settings = embedded_settings(tmp_path, consumer_batch_size=3)
    decision = build_decision(settings, codec=codec(), clock=clock())
    first = build_decision_consumer(decision, settings, codec=codec(), intake_log=intake.recorder)
    first.step(timeout=0)
    first.step(timeout=0)
    assert decision.recorder.max_notification_id() == 6
    decision = build_decision(settings, codec=codec(), clock=clock())  # a new process
    second = build_decision_consumer(decision, settings, codec=codec(), intake_log=intake.recorder)
    second.run_until_caught_up(idle_timeout=0)
    notifications = decision.recorder.select_notifications(start=0, limit=100)
    assert len(notifications) == 20
    assert len({n.originator_id for n in notifications}) == 20
    assert second.stats.skipped == 0  # it resumed after what the first one applied
