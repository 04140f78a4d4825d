"""Base classes for the domain events of case-owning aggregates (no I/O here).

Each concrete event names its Avro schema in ``TOPIC`` (``nl.ind.intake.ApplicationSubmitted``), so the
stored events and the messages on Kafka are identified by the schema's full name, never by a Python
import path. The class name equals the record name, and the CloudEvents type is its kebab-case form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

_WORD_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")

# Attributes every event has that the Avro record keeps under ``meta``, not among the event's facts.
METADATA_ATTRIBUTES = frozenset(
    {
        "originator_id",
        "originator_version",
        "originator_topic",
        "timestamp",
        "occurred_at",
        "correlation_id",
        "causation_id",
    }
)


@cache  # one per schema; it is asked for every event a relay sends or a consumer reads
def cloudevents_type(schema_name: str) -> str:
    """``nl.ind.intake.ApplicationSubmitted`` -> ``nl.ind.intake.application-submitted``."""
    namespace, _, record = schema_name.rpartition(".")
    return f"{namespace}.{_WORD_BOUNDARY.sub('-', record).lower()}"


@dataclass(frozen=True)
class Cause:
    """Why a case changes, as every event of the change records it: when it happened, the request or
    message it belongs to (correlation), and the event that caused it (``None`` for a command given
    from outside, by an officer, a client or the simulator)."""

    occurred_at: datetime
    correlation_id: str
    causation_id: str | None = None

    def event_metadata(self) -> dict[str, Any]:
        """The keyword arguments of an event it causes (``timestamp`` is the library's own field)."""
        return {
            "timestamp": self.occurred_at,
            "occurred_at": self.occurred_at,
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
        }


class CaseEvent(Aggregate.Event):
    """Something that happened to a case, with when it happened and what caused it."""

    TOPIC: ClassVar[str]
    occurred_at: datetime
    correlation_id: str
    causation_id: str | None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        topic = cls.__dict__.get("TOPIC")
        if topic is not None:
            if topic.rpartition(".")[2] != cls.__name__:
                raise TypeError(f"{cls.__name__}: TOPIC {topic!r} must end in the class name")
            register_topic(topic, cls)

    def facts(self) -> dict[str, Any]:
        """The event's own fields, without the metadata every event carries."""
        return {k: v for k, v in vars(self).items() if k not in METADATA_ATTRIBUTES}


class CaseCreated(CaseEvent, Aggregate.Created):
    """The first event of an aggregate. ``AGGREGATE_TOPIC`` names the aggregate it creates."""

    AGGREGATE_TOPIC: ClassVar[str]
