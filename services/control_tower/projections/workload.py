"""The workload view of the verkeerstoren: open cases by procedure and stage.

Fed by intake's and decision's streams. The streams are ordered per case within each producing service
but not across services, so a stage only ever moves forward (by rank): a late ``ApplicationAccepted``
never pulls a case back from ``in_decision``. Every applied event is also counted per type, which
makes a double application visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from eventsourcing.persistence import Tracking

from backbone.envelope import Envelope
from backbone.feeds.base import FeedItem

STAGES: dict[str, tuple[str, int]] = {
    "nl.ind.intake.ApplicationSubmitted": ("submitted", 1),
    "nl.ind.intake.ApplicationAccepted": ("accepted", 2),
    "nl.ind.decision.CaseOpened": ("in_decision", 3),
}
STAGE_ORDER = [stage for stage, _ in sorted(STAGES.values(), key=lambda s: s[1])]


@dataclass(frozen=True, slots=True)
class StageChange:
    case_id: str
    procedure: str
    stage: str
    rank: int
    since: datetime


@dataclass(frozen=True, slots=True)
class WorkloadRow:
    procedure: str
    stage: str
    open_cases: int


class WorkloadStore(Protocol):
    def max_tracking_id(self, application_name: str) -> int | None: ...

    def apply(self, changes: Sequence[StageChange], counts: dict[str, int], tracking: Tracking) -> None: ...

    def workload(self) -> list[WorkloadRow]: ...

    def event_counts(self) -> dict[str, int]: ...


def stage_change(envelope: Envelope) -> StageChange | None:
    if envelope.schema not in STAGES:
        return None
    stage, rank = STAGES[envelope.schema]
    return StageChange(envelope.subject, str(envelope.data["procedure"]), stage, rank, envelope.time)


class WorkloadProjection:
    name = "control_tower"

    def __init__(self, store: WorkloadStore) -> None:
        self.store = store

    def max_position(self, stream: str) -> int | None:
        return self.store.max_tracking_id(stream)

    def process(self, items: Sequence[FeedItem], tracking: Tracking) -> None:
        changes = []
        counts: dict[str, int] = {}
        for item in items:
            counts[item.envelope.schema] = counts.get(item.envelope.schema, 0) + 1
            change = stage_change(item.envelope)
            if change is not None:
                changes.append(change)
        self.store.apply(changes, counts, tracking)
