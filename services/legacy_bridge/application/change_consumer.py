"""The bridge's tracked consumer of the change topics: what the backbone's TrackedConsumer is for
envelopes, for legacy changes. Per stream it drops what the bridge has applied (position = Kafka
offset + 1, recorded with the effects) and applies the rest in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from eventsourcing.persistence import IntegrityError, OperationalError, Tracking

from services.legacy_bridge.application.bridge import LegacyBridge
from services.legacy_bridge.application.change_items import ChangeFeed, ChangeItem

log = structlog.get_logger("legacy_bridge.consumer")
MAX_CONFLICT_RETRIES = 5


@dataclass
class ChangeStats:
    applied: int = 0
    skipped: int = 0
    batches: int = 0


class ChangeConsumer:
    def __init__(self, feed: ChangeFeed, bridge: LegacyBridge, *, batch_size: int = 500) -> None:
        self.feed = feed
        self.bridge = bridge
        self.batch_size = batch_size
        self.stats = ChangeStats()

    def step(self, timeout: float = 0.5) -> int:
        """Read one batch and apply what is new in it; returns how many items were read."""
        items = self.feed.poll(self.batch_size, timeout)
        if not items:
            return 0
        try:
            for stream_items in _by_stream(items):
                self._apply(stream_items)
        except BaseException:
            self.feed.rewind()
            raise
        self.stats.batches += 1
        return len(items)

    def run_until_caught_up(self, *, idle_timeout: float = 1.0) -> ChangeStats:
        while self.step(idle_timeout):
            pass
        return self.stats

    def _apply(self, items: Sequence[ChangeItem]) -> None:
        stream = items[0].stream
        for attempt in range(MAX_CONFLICT_RETRIES + 1):
            applied_up_to = self.bridge.max_position(stream) or 0
            fresh = [item for item in items if item.position > applied_up_to]
            if not fresh:
                self.stats.skipped += len(items)
                return
            try:
                self.bridge.apply_changes(fresh, Tracking(stream, fresh[-1].position))
            except (IntegrityError, OperationalError) as error:
                # Another instance advanced this stream, or a case changed under us: nothing was
                # written; read the position again and retry.
                if attempt == MAX_CONFLICT_RETRIES:
                    raise
                log.warning("legacy_batch_conflict", stream=stream, error=type(error).__name__)
                continue
            self.stats.applied += len(fresh)
            self.stats.skipped += len(items) - len(fresh)
            return


def _by_stream(items: Sequence[ChangeItem]) -> list[list[ChangeItem]]:
    groups: dict[str, list[ChangeItem]] = {}
    for item in items:
        groups.setdefault(item.stream, []).append(item)
    return list(groups.values())
