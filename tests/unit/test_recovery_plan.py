"""What recovery decides, from a topic's events and a restored store's: the lost events back under their
ids, the events recorded after the restore moved past the topic's tail in their order, and a refusal
when a case has a version both on the topic and recorded after the restore."""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.persistence import Notification

from backbone.envelope import event_id
from backbone.recovery import PublishedEvent, plan_recovery


def published(notification_id: int, case: UUID, version: int) -> PublishedEvent:
    return PublishedEvent(
        notification_id, event_id(str(case), version), case, version, "nl.ind.intake.X", b"", None
    )


def stored(notification_id: int, case: UUID, version: int) -> Notification:
    return Notification(
        id=notification_id,
        originator_id=case,
        originator_version=version,
        topic="nl.ind.intake.X",
        state=b"",
    )


A, B, C, D = (uuid4() for _ in range(4))


def test_a_store_level_with_its_topic_needs_nothing_even_with_unpublished_events() -> None:
    plan = plan_recovery("intake", "t", 2, [published(3, A, 1)], [stored(3, A, 1), stored(4, A, 2)])
    assert not plan.needed and plan.recorded_after_restore == []


def test_lost_events_come_back_and_events_recorded_after_the_restore_move_past_the_tail() -> None:
    on_topic = [published(1, A, 1), published(2, B, 1), published(3, B, 2), published(5, C, 1)]
    # Restored at notification 1; then D was recorded under ids 2 and 3, which the topic gave to B.
    in_store = [stored(2, D, 1), stored(3, D, 2)]
    plan = plan_recovery("intake", "t", 1, on_topic, in_store)
    assert [e.notification_id for e in plan.missing] == [2, 3, 5]
    assert [n.id for n in plan.recorded_after_restore] == [2, 3]  # to become 6 and 7, in order
    assert plan.topic_head == 5 and plan.conflicts == []


def test_a_version_both_on_the_topic_and_recorded_after_the_restore_is_a_conflict() -> None:
    on_topic = [published(1, A, 1), published(2, B, 1)]
    # Restored at notification 1; then A's version 2 and, again, B's version 1 were recorded.
    plan = plan_recovery("decision", "t", 0, on_topic, [stored(1, A, 1), stored(2, A, 2), stored(3, B, 1)])
    assert [e.notification_id for e in plan.missing] == [2]
    assert plan.conflicts == [(B, 1)]
