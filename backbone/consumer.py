"""The tracked consumer: applies each event once, whatever the transport delivers.

For every batch it asks the processor how far it has applied each stream, drops what it has seen, and
hands the rest to the processor, which writes its effects and the new position (stream -> upstream
notification id) in one transaction. A redelivered event is therefore a no-op, and a crash before the
commit loses nothing: the feed is rewound and the batch is read again.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import structlog
from eventsourcing.persistence import IntegrityError, OperationalError, Tracking

from backbone.feeds.base import FeedItem, ItemFeed, ItemT, Tracked
from backbone.metrics import BATCH_SECONDS, EVENTS_CONSUMED, EVENTS_SKIPPED

log = structlog.get_logger("backbone.consumer")

MAX_CONFLICT_RETRIES = 5


ItemT_contra = TypeVar("ItemT_contra", bound=Tracked, contravariant=True)


class ItemProcessor(Protocol[ItemT_contra]):
    name: str

    def max_position(self, stream: str) -> int | None:
        """The last upstream notification id applied from ``stream``."""
        ...

    def process(self, items: Sequence[ItemT_contra], tracking: Tracking) -> None:
        """Apply ``items`` (all of one stream) and record ``tracking``, in one transaction."""
        ...


# A processor of the backbone's own events.
Processor = ItemProcessor[FeedItem]


@dataclass
class ConsumerStats:
    applied: int = 0
    skipped: int = 0
    batches: int = 0


class TrackedConsumer(Generic[ItemT]):
    def __init__(
        self, feed: ItemFeed[ItemT], processor: ItemProcessor[ItemT], *, batch_size: int = 500
    ) -> None:
        self.feed = feed
        self.processor = processor
        self.batch_size = batch_size
        self.stats = ConsumerStats()

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
        self.feed.acknowledge(items)
        self.stats.batches += 1
        return len(items)

    def run_until_caught_up(self, *, idle_timeout: float = 0.2) -> ConsumerStats:
        """Apply until a poll of ``idle_timeout`` brings nothing new."""
        while self.step(idle_timeout):
            pass
        return self.stats

    def run(self, stop: threading.Event, *, poll_timeout: float = 0.5) -> None:
        while not stop.is_set():
            self.step(poll_timeout)

    def _apply(self, items: Sequence[ItemT]) -> None:
        stream = items[0].stream
        for attempt in range(MAX_CONFLICT_RETRIES + 1):
            fresh = _unseen(items, self.processor.max_position(stream))
            self.stats.skipped += len(items) - len(fresh)
            if not fresh:
                EVENTS_SKIPPED.labels(self.processor.name, stream).inc(len(items))
                return
            try:
                with BATCH_SECONDS.labels(self.processor.name).time():
                    self.processor.process(fresh, Tracking(stream, fresh[-1].position))
            except (IntegrityError, OperationalError) as error:
                # Another instance advanced this stream, an aggregate changed under us, or the database
                # chose this transaction as a deadlock victim: nothing was written; re-read and retry.
                self.stats.skipped -= len(items) - len(fresh)
                if attempt == MAX_CONFLICT_RETRIES:
                    raise
                log.warning(
                    "consumer_batch_conflict",
                    processor=self.processor.name,
                    stream=stream,
                    error=type(error).__name__,
                )
                continue
            self.stats.applied += len(fresh)
            EVENTS_CONSUMED.labels(self.processor.name, stream).inc(len(fresh))
            if len(fresh) < len(items):
                EVENTS_SKIPPED.labels(self.processor.name, stream).inc(len(items) - len(fresh))
            return


def _by_stream(items: Sequence[ItemT]) -> list[list[ItemT]]:
    groups: dict[str, list[ItemT]] = {}
    for item in items:
        groups.setdefault(item.stream, []).append(item)
    return list(groups.values())


def _unseen(items: Sequence[ItemT], applied_up_to: int | None) -> list[ItemT]:
    """Items past the tracked position, each upstream notification once, in order."""
    high = applied_up_to if applied_up_to is not None else 0
    fresh = []
    for item in items:
        if item.position > high:
            fresh.append(item)
            high = item.position
    return fresh
