"""The check against a topic's tail, on a real SQLite store: a store that holds the tail under its id
passes; one that lacks it, or holds another event there, is refused before anything is recorded."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from backbone.continuity import Continuity, StoreBehindTopic, TopicTail
from backbone.envelope import event_id
from backbone.feeds.notification_log import ConsumerAheadOfLog, NotificationLogFeed
from backbone.service import AlreadyRecorded
from composition.parts import build_intake
from tests.factories import a_submission, clock, codec, embedded_settings


def test_a_store_is_checked_against_the_tail_it_published_and_refused_once_behind(tmp_path: Path) -> None:
    intake = build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())
    tails: list[TopicTail | None] = [None]
    intake.continuity = Continuity("intake", "t", intake.recorder, lambda: tails[-1])
    intake.continuity.learn()  # an empty topic: nothing to hold
    first = intake.submit_application(a_submission())
    (stored,) = intake.recorder.select_notifications(start=1, limit=1)
    intake.continuity.published(stored.id, stored.originator_id, stored.originator_version)
    intake.submit_application(a_submission())  # the store holds the tail: recorded

    # The topic holds notification 3, which this store never had: behind, and nothing is recorded.
    tails.append(TopicTail(3, event_id(str(first), 9)))
    with pytest.raises(StoreBehindTopic, match=r"ends at notification 2.*backbone recover intake"):
        intake.continuity.learn()
    before = intake.recorder.max_notification_id()
    with pytest.raises(StoreBehindTopic):
        intake.submit_application(a_submission())
    assert intake.recorder.max_notification_id() == before


def test_another_event_under_the_tail_s_id_is_behind_too(tmp_path: Path) -> None:
    intake = build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())
    application = intake.submit_application(a_submission())
    continuity = Continuity(
        "intake", "t", intake.recorder, lambda: TopicTail(1, event_id(str(application), 2))
    )
    with pytest.raises(StoreBehindTopic, match="holds another event there"):
        continuity.learn()


def test_learning_in_the_background_keeps_the_last_tail_while_the_broker_is_away(tmp_path: Path) -> None:
    intake = build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())
    answers: list[TopicTail | Exception] = [TopicTail(7, "e"), ConnectionError("broker away")]
    learnt = threading.Event()

    def read_tail() -> TopicTail | None:
        answer = answers.pop(0) if answers else ConnectionError("still away")
        if not answers:
            learnt.set()
        if isinstance(answer, Exception):
            raise answer
        return answer

    continuity = Continuity("intake", "t", intake.recorder, read_tail)
    stop = threading.Event()
    continuity.learn_in_background(stop, every=0.01)
    assert learnt.wait(5)
    stop.set()
    assert continuity.known == TopicTail(7, "e")
    with pytest.raises(StoreBehindTopic):
        continuity.check()


def test_embedded_a_consumer_ahead_of_its_upstream_s_restored_log_is_refused(tmp_path: Path) -> None:
    intake = build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())
    intake.submit_application(a_submission())
    feed = NotificationLogFeed(
        upstream="intake", recorder=intake.recorder, codec=codec(), positions=lambda _: 5
    )
    with pytest.raises(ConsumerAheadOfLog, match="up to notification 5, but the log ends at 1"):
        feed.poll(10, 0.0)


def test_a_keyed_creation_whose_key_a_restore_lost_is_refused_not_done_twice(tmp_path: Path) -> None:
    intake = build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())
    application = intake.submit_application(a_submission(), idempotency_key="k-1")
    # Recovery puts the events back from the topic; the key's row is not on the topic.
    connection = sqlite3.connect(tmp_path / "intake.sqlite")
    with connection:
        connection.execute("DELETE FROM tracking WHERE application_name = 'idempotency:k-1'")
    connection.close()
    events = intake.recorder.max_notification_id()
    with pytest.raises(AlreadyRecorded, match=f"application {application} of idempotency key 'k-1'"):
        intake.submit_application(a_submission(), idempotency_key="k-1")
    assert intake.recorder.max_notification_id() == events
