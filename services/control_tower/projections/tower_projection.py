"""The control tower's projection: each batch of events, of one stream, becomes the stage changes, the
event counts, the case facts and the timelines of every view, written with the stream's position in one
transaction of the tower's store.

A removed legacy case (``LegacyCaseRemoved``) leaves every view: the store deletes its rows up to the
removal's rank before it writes the batch, and the batch's own earlier events of the case are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from eventsourcing.persistence import Tracking

from backbone.envelope import Envelope
from backbone.feeds.base import FeedItem
from services.control_tower.projections.legacy_cases import COUNTED_ONLY, LEGACY_CASE_REMOVED
from services.control_tower.projections.workload import (
    FACT_EVENTS,
    StageChange,
    WorkloadRow,
    event_rank,
    stage_change,
)


class TowerTarget(Protocol):
    """What the projection writes to: the tower's store."""

    def max_tracking_id(self, application_name: str) -> int | None: ...

    def apply(
        self,
        changes: Sequence[StageChange],
        counts: dict[str, int],
        fact_events: Sequence[Envelope],
        tracking: Tracking,
        last_recorded_at: datetime | None = None,
        first_position: int | None = None,
        events: Sequence[Envelope] = (),
        removals: Mapping[str, int] | None = None,
    ) -> None: ...

    def workload(self) -> list[WorkloadRow]: ...
    def event_counts(self) -> dict[str, int]: ...


class TowerProjection:
    name = "control_tower"

    def __init__(self, store: TowerTarget) -> None:
        self.store = store

    def max_position(self, stream: str) -> int | None:
        return self.store.max_tracking_id(stream)

    def process(self, items: Sequence[FeedItem], tracking: Tracking) -> None:
        changes = []
        counts: dict[str, int] = {}
        fact_events = []
        events = []
        removals: dict[str, int] = {}  # case id -> the rank of its removal
        for item in items:
            envelope = item.envelope
            counts[envelope.schema] = counts.get(envelope.schema, 0) + 1
            if envelope.schema in COUNTED_ONLY:
                continue
            if envelope.schema == LEGACY_CASE_REMOVED:
                removals[envelope.subject] = event_rank(envelope)
                continue
            change = stage_change(envelope)
            if change is not None:
                changes.append(change)
            if envelope.schema in FACT_EVENTS:
                fact_events.append(envelope)
            events.append(envelope)
        if removals:
            changes = [c for c in changes if c.rank > removals.get(c.case_id, -1)]
            fact_events = [e for e in fact_events if _after_removal(e, removals)]
            events = [e for e in events if _after_removal(e, removals)]
        self.store.apply(
            changes,
            counts,
            fact_events,
            tracking,
            last_recorded_at=items[-1].envelope.recorded_at,
            first_position=items[0].position,
            events=events,
            removals=removals,
        )


def _after_removal(envelope: Envelope, removals: Mapping[str, int]) -> bool:
    """Whether ``envelope`` came after its case's removal in this batch, if the case was removed."""
    return event_rank(envelope) > removals.get(envelope.subject, -1)
