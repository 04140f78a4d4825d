"""Every view of the tower folded in memory from a range of the streams, for a rebuild into an empty
generation: the same rows the tracked projection writes batch by batch, but each table written once.

A batch at a time the tracked path reads and rewrites each case's rows; a rebuild instead keeps every
case it has seen in memory and hands the tables over when its range is read (``rows``). The rules are the
projection's own (``STAGES`` ranked by ``event_rank`` as the case upsert does, ``apply_fact_event``,
``advance_stage``, ``timeline_row``), applied event by event in stream order, so the result is the same
rows; ``tests/e2e/test_rebuild.py`` and ``tests/unit/test_view_fold.py`` check that it equals the live
views.

A removed legacy case leaves the folded rows at once; its timeline rows up to the removal, some perhaps
written already, are deleted when the load finishes (``FoldedRows.removed``).

Duplicates on a stream (a relay that republished after a crash) carry a notification id at or below the
last one folded from that stream, and are skipped, as the tracked consumer skips them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backbone.feeds.base import FeedItem
from services.control_tower.projections.case_facts import (
    EMPTY_FACTS,
    Fields,
    advance_stage,
    apply_fact_event,
)
from services.control_tower.projections.legacy_cases import COUNTED_ONLY, LEGACY_CASE_REMOVED
from services.control_tower.projections.ownership import owned_rank
from services.control_tower.projections.timeline import timeline_row
from services.control_tower.projections.workload import FACT_EVENTS, event_rank, stage_of


@dataclass
class FoldedRows:
    """What a fold hands to the store: every table's rows, keyed as the tables are."""

    cases: dict[str, list[Any]]  # case id -> [procedure, stage, is_open, stage_rank, stage_since]
    facts: dict[str, Fields]  # case id -> the CaseFacts fields
    stage_time: dict[tuple[str, str], list[int]]  # (procedure, stage) -> [visits, seconds]
    counts: dict[tuple[str, str], int]  # (stream, event type) -> events
    freshness: dict[str, tuple[int, datetime]]  # stream -> (position, recorded_at of its last event)
    positions: dict[str, int]  # stream -> the last upstream notification id folded
    offsets: dict[str, int]  # stream -> the last Kafka offset read (distributed mode)
    removed: dict[str, int] = field(default_factory=dict)  # case id -> the rank of its last removal


@dataclass
class ViewFold:
    folded: int = 0
    skipped: int = 0
    _rows: FoldedRows = field(
        default_factory=lambda: FoldedRows({}, {}, {}, {}, {}, {}, {}),
    )
    _timeline: list[tuple[Any, ...]] = field(default_factory=list)

    def add(self, items: Iterable[FeedItem]) -> None:
        rows, timeline = self._rows, self._timeline
        cases, facts, positions = rows.cases, rows.facts, rows.positions
        for item in items:
            if item.offset is not None:
                rows.offsets[item.stream] = item.offset
            if item.position <= positions.get(item.stream, 0):
                self.skipped += 1
                continue
            positions[item.stream] = item.position
            envelope = item.envelope
            key = (item.stream, envelope.schema)
            rows.counts[key] = rows.counts.get(key, 0) + 1
            rows.freshness[item.stream] = (item.position, envelope.recorded_at)
            self.folded += 1
            if envelope.schema in COUNTED_ONLY:
                continue
            if envelope.schema == LEGACY_CASE_REMOVED:
                cases.pop(envelope.subject, None)
                facts.pop(envelope.subject, None)
                rows.removed[envelope.subject] = event_rank(envelope)
                continue
            fact_row, rank = None, event_rank(envelope)
            if envelope.schema in FACT_EVENTS:
                fact_row = facts.get(envelope.subject)
                if fact_row is None:
                    fact_row = facts[envelope.subject] = {**EMPTY_FACTS, "case_id": envelope.subject}
                owned = owned_rank(fact_row, envelope)  # as merge_fact_events
                if owned is None:
                    timeline.append(timeline_row(envelope))
                    continue
                rank = owned
            stage = stage_of(envelope)
            if stage is not None:  # as stage_change and UPSERT_CASE: only a higher rank moves the case
                procedure = envelope.data.get("procedure")
                known = cases.get(envelope.subject)
                if known is None:
                    cases[envelope.subject] = [procedure, stage[0], stage[1], rank, envelope.time]
                elif rank > known[3]:
                    procedure = procedure if procedure is not None else known[0]
                    known[:] = [procedure, stage[0], stage[1], rank, envelope.time]
            if fact_row is not None:
                apply_fact_event(fact_row, envelope, rank)
                visit = advance_stage(fact_row, envelope)
                if visit is not None:
                    total = rows.stage_time.setdefault((visit.procedure, visit.stage), [0, 0])
                    total[0] += 1
                    total[1] += visit.seconds
            timeline.append(timeline_row(envelope))

    @property
    def timeline_pending(self) -> int:
        return len(self._timeline)

    def take_timeline(self) -> list[tuple[Any, ...]]:
        """The timeline rows folded since the last take (timelines only grow, so they can be written
        while the fold goes on)."""
        taken, self._timeline = self._timeline, []
        return taken

    def rows(self) -> FoldedRows:
        return self._rows
