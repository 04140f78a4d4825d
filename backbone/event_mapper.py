"""Maps domain events to stored events whose state is the Avro body of the event's schema.

Stored state is exactly the Avro binary body that goes on Kafka, so the relay only prefixes the
single-object header, and the event store holds the same contract the consumers read. Anything that
is not a ``CaseEvent`` with a schema (for example a library snapshot) falls back to the library's JSON
transcoder.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Callable
from functools import cache
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from backbone.codec import AvroCodec
from backbone.events import CaseCreated, CaseEvent


class AvroEventMapper(Mapper[UUID]):
    def __init__(self, codec: AvroCodec, transcoder: JSONTranscoder | None = None) -> None:
        super().__init__(transcoder=transcoder or JSONTranscoder())
        self.codec = codec

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        topic = get_topic(type(domain_event))
        if not isinstance(domain_event, CaseEvent) or topic not in self.codec.catalog:
            return super().to_stored_event(domain_event)
        record = record_of(domain_event)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=topic,
            state=self.codec.encode_body(topic, record),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        if stored_event.topic not in self.codec.catalog:
            return super().to_domain_event(stored_event)
        record = self.codec.decode_body(stored_event.topic, stored_event.state)
        cls = resolve_topic(stored_event.topic)
        originator_id = stored_event.originator_id
        aggregate_id = originator_id if isinstance(originator_id, UUID) else UUID(originator_id)
        return event_from_record(cls, record, aggregate_id)


def record_of(event: CaseEvent) -> dict[str, Any]:
    """The Avro record of an event: its metadata under ``meta``, then its facts."""
    record: dict[str, Any] = {
        "meta": {
            "aggregate_id": event.originator_id,
            "aggregate_version": event.originator_version,
            "recorded_at": event.timestamp,
            "occurred_at": event.occurred_at,
            "correlation_id": event.correlation_id,
            "causation_id": event.causation_id,
        }
    }
    for name, value in event.facts().items():
        record[name] = value.value if isinstance(value, enum.Enum) else value
    return record


def event_from_record(cls: type[CaseEvent], record: dict[str, Any], aggregate_id: UUID) -> CaseEvent:
    meta = record["meta"]
    kwargs: dict[str, Any] = {
        "originator_id": aggregate_id,
        "originator_version": meta["aggregate_version"],
        "timestamp": meta["recorded_at"],
        "occurred_at": meta["occurred_at"],
        "correlation_id": meta["correlation_id"],
        "causation_id": meta["causation_id"],
    }
    if issubclass(cls, CaseCreated):
        kwargs["originator_topic"] = cls.AGGREGATE_TOPIC
    converters = _enum_fields(cls)
    for name, value in record.items():
        if name != "meta":
            kwargs[name] = converters[name](value) if name in converters else value
    return cls(**kwargs)


@cache
def _enum_fields(cls: type[CaseEvent]) -> dict[str, Callable[[Any], Any]]:
    """Fields typed as an Enum (or an optional one), with the function that restores the Enum."""
    converters: dict[str, Callable[[Any], Any]] = {}
    for name, hint in typing.get_type_hints(cls).items():
        members = typing.get_args(hint) or (hint,)
        enums = [m for m in members if isinstance(m, type) and issubclass(m, enum.Enum)]
        if enums:
            converters[name] = _optional(enums[0])
    return converters


def _optional(enum_type: type[enum.Enum]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else enum_type(value)
