"""Recovering a store that is behind its topic: the lost events read back from the topic, under the
notification ids they had, before anything new is recorded or published (``backbone.continuity``).

The relay publishes the stored Avro body as it is, so a message on the topic holds the whole stored
event: its case and version (``ce_subject``, ``ce_sequence``), its schema (the fingerprint), its body
and its notification id (``ce_notificationid``). Recovery compares the topic with the store past the
relay's restored position and, in one transaction under the table's write lock:

- puts every event the topic holds and the store lacks back under its notification id;
- moves the events recorded after the restore (under ids the topic had given to others, or after them)
  past the topic's tail, in their order, so no consumer skips them as repeats;
- moves the relay's position to the topic's tail, so nothing is published twice;
- for a service that consumes others (decision reads intake), moves its positions on each upstream
  stream past the upstream events that caused the recovered events, so they are not applied again.

It refuses, naming them, when a case has an event both on the topic and recorded after the restore
under the same version: only a person can say which stands. Personal data is not on the topic, so an
applicant's data given after the backup is not recovered; a point-in-time restore (base backup + WAL,
docs/backup-and-restore.md) loses nothing and needs no recovery.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from psycopg.sql import SQL, Identifier

from backbone.codec import HEADER_LENGTH, AvroCodec
from backbone.envelope import event_id
from backbone.errors import BackboneError
from backbone.feeds.base import partition_stream
from backbone.feeds.kafka_raw import RawMessage, read_topic
from backbone.feeds.offset_hints import hint_name
from backbone.outbox import relay_tracking_name


class RecoveryRefused(BackboneError):
    """The store and the topic disagree in a way recovery must not decide alone."""


@dataclass(frozen=True)
class PublishedEvent:
    notification_id: int
    event_id: str
    originator_id: UUID
    originator_version: int
    schema: str
    state: bytes
    causation_id: str | None


@dataclass
class RecoveryPlan:
    service: str
    topic: str
    relay_position: int  # the restored store's: everything up to it was on the topic already
    topic_head: int  # the highest notification id on the topic
    missing: list[PublishedEvent] = field(default_factory=list)
    recorded_after_restore: list[Notification] = field(default_factory=list)
    conflicts: list[tuple[UUID, int]] = field(default_factory=list)
    upstream_positions: dict[str, tuple[int, int]] = field(default_factory=dict)  # stream: (id, offset)

    @property
    def needed(self) -> bool:
        return bool(self.missing)

    def summary(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "topic": self.topic,
            "recovered": len(self.missing),
            "recovered_ids": [self.missing[0].notification_id, self.missing[-1].notification_id]
            if self.missing
            else [],
            "cases_recovered": len({event.originator_id for event in self.missing}),
            "moved_past_topic": len(self.recorded_after_restore),
            "conflicts": [{"case": str(case), "version": version} for case, version in self.conflicts],
            "relay_position": max(self.relay_position, self.topic_head) if self.missing else None,
            "upstream_positions": {stream: pos for stream, (pos, _) in self.upstream_positions.items()},
        }


def published_event(codec: AvroCodec, message: RawMessage) -> PublishedEvent:
    headers = message.headers
    schema = codec.catalog.by_fingerprint(message.value[2:HEADER_LENGTH]).name
    causation = headers.get("ce_causationid")
    return PublishedEvent(
        notification_id=int(headers["ce_notificationid"]),
        event_id=headers["ce_id"].decode(),
        originator_id=UUID(headers["ce_subject"].decode()),
        originator_version=int(headers["ce_sequence"]),
        schema=schema,
        state=message.value[HEADER_LENGTH:],
        causation_id=causation.decode() if causation is not None else None,
    )


def plan_recovery(
    service: str,
    topic: str,
    relay_position: int,
    published: Iterable[PublishedEvent],
    stored: Sequence[Notification],
) -> RecoveryPlan:
    """What to do, from the topic's events and the store's past the relay's position (both by id)."""
    on_topic = {
        event.notification_id: event for event in published if event.notification_id > relay_position
    }
    plan = RecoveryPlan(service, topic, relay_position, max(on_topic, default=relay_position))
    held: dict[int, str] = {}
    for notification in stored:
        stored_id = event_id(str(notification.originator_id), notification.originator_version)
        held[notification.id] = stored_id
        other = on_topic.get(notification.id)
        if other is None or other.event_id != stored_id:
            plan.recorded_after_restore.append(notification)
    plan.missing = [event for i, event in sorted(on_topic.items()) if held.get(i) != event.event_id]
    if not plan.missing:
        plan.recorded_after_restore = []  # the store is level with its topic: nothing moves
        return plan
    recovered = {(event.originator_id, event.originator_version) for event in plan.missing}
    plan.conflicts = sorted(
        (UUID(str(n.originator_id)), n.originator_version)
        for n in plan.recorded_after_restore
        if (UUID(str(n.originator_id)), n.originator_version) in recovered
    )
    return plan


def upstream_positions(
    plan: RecoveryPlan, upstream_messages: Mapping[str, Iterable[RawMessage]]
) -> dict[str, tuple[int, int]]:
    """Per upstream partition stream, the notification id and offset of the last upstream event that
    caused a recovered event (``upstream_messages``: producing service -> its topic's messages)."""
    causes = {event.causation_id for event in plan.missing if event.causation_id}
    positions: dict[str, tuple[int, int]] = {}
    for upstream, messages in upstream_messages.items():
        for message in messages:
            if message.headers.get("ce_id", b"").decode() not in causes:
                continue
            stream = partition_stream(upstream, message.partition)
            position = (int(message.headers["ce_notificationid"]), message.offset)
            positions[stream] = max(positions.get(stream, position), position)
    return positions


def recover(
    service: str,
    recorder: Any,  # the service's PostgreSQL process recorder
    codec: AvroCodec,
    settings: Any,
    topic: str,
    upstreams: Mapping[str, str] | None = None,  # producing service -> topic this service consumes
    *,
    apply: bool = True,
) -> RecoveryPlan:
    """Compare ``service``'s store with ``topic`` and, if ``apply``, put the store level with it."""
    relay_position = recorder.max_tracking_id(relay_tracking_name(topic)) or 0
    published = [
        published_event(codec, message)
        for message in read_topic(settings, topic)
        if int(message.headers["ce_notificationid"]) > relay_position
    ]
    stored = _stored_after(recorder, relay_position)
    plan = plan_recovery(service, topic, relay_position, published, stored)
    if plan.needed and upstreams:
        plan.upstream_positions = upstream_positions(
            plan, {upstream: read_topic(settings, name) for upstream, name in upstreams.items()}
        )
    if plan.conflicts:
        shown = ", ".join(f"case {case} version {version}" for case, version in plan.conflicts[:5])
        raise RecoveryRefused(
            f"{len(plan.conflicts)} events recorded in {service}'s store after the restore have the "
            f"case and version of events on {topic} ({shown}): decide which stand before recovering"
        )
    if plan.needed and apply:
        _apply(recorder, plan)
    return plan


def _stored_after(recorder: Any, position: int) -> list[Notification]:
    stored: list[Notification] = []
    while page := recorder.select_notifications(start=position, limit=5000, inclusive_of_start=False):
        stored.extend(page)
        position = page[-1].id
    return stored


def _apply(recorder: Any, plan: RecoveryPlan) -> None:
    schema, table = recorder.datastore.schema, recorder.events_table_name
    events = SQL("{}.{}").format(Identifier(schema), Identifier(table))
    with recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(events))
        moved = [n.id for n in plan.recorded_after_restore]
        # Out of the way first (ids are unique), then past the topic's tail in their order.
        cursor.execute(
            SQL("UPDATE {} SET notification_id = -notification_id WHERE notification_id = ANY(%s)").format(
                events
            ),
            (moved,),
        )
        for offset, old in enumerate(moved, start=1):
            cursor.execute(
                SQL("UPDATE {} SET notification_id = %s WHERE notification_id = %s").format(events),
                (plan.topic_head + offset, -old),
            )
        cursor.executemany(
            SQL(
                "INSERT INTO {} (originator_id, originator_version, topic, state, notification_id) "
                "VALUES (%s, %s, %s, %s, %s)"
            ).format(events),
            [
                (e.originator_id, e.originator_version, e.schema, e.state, e.notification_id)
                for e in plan.missing
            ],
        )
        cursor.execute(
            SQL(
                "SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), "
                "(SELECT max(notification_id) FROM {}))"
            ).format(events),
            (f'"{schema}"."{table}"',),
        )
        positions = {relay_tracking_name(plan.topic): plan.topic_head}
        for stream, (notification_id, offset) in plan.upstream_positions.items():
            positions[stream] = notification_id
            positions[hint_name(stream)] = offset
        for name, position in positions.items():
            _advance(cursor, recorder, name, position)


def _advance(cursor: Any, recorder: Any, name: str, position: int) -> None:
    """Move a tracked position forward (never back), in the recovery's transaction."""
    cursor.execute(recorder.max_tracking_id_statement, (name,))
    row = cursor.fetchone()
    current = row["max"] if row else None
    if current is None or current < position:
        cursor.execute(
            recorder.insert_tracking_statement, {"application_name": name, "notification_id": position}
        )
