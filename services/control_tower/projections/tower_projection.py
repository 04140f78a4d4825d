"""The control tower's projection: each batch of events, of one stream, becomes the stage changes, the
event counts, the case facts and the timelines of every view, written with the stream's position in one
transaction of the tower's store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from eventsourcing.persistence import Tracking

from backbone.envelope import Envelope
from backbone.feeds.base import FeedItem
from services.control_tower.projections.workload import (
    FACT_EVENTS,
    StageChange,
    WorkloadRow,
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
        for item in items:
            counts[item.envelope.schema] = counts.get(item.envelope.schema, 0) + 1
            change = stage_change(item.envelope)
            if change is not None:
                changes.append(change)
            if item.envelope.schema in FACT_EVENTS:
                fact_events.append(item.envelope)
        self.store.apply(
            changes,
            counts,
            fact_events,
            tracking,
            last_recorded_at=items[-1].envelope.recorded_at,
            first_position=items[0].position,
            events=[item.envelope for item in items],
        )
