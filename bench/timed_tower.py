"""The tower as a process of its own for the freshness benchmark, writing for every event applied its
recorded_at and the moment the tower's transaction committed."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Tracking

from backbone.codec import AvroCodec
from backbone.consumer import Processor
from backbone.feeds.base import FeedItem
from backbone.logs import configure_logging
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from composition.parts import build_tower_consumers
from services.control_tower.adapters.live_views import build_tower_store


class TimedProjection:
    """The tower's projection, timing every item at the moment its transaction has committed."""

    def __init__(self, inner: Processor, out: Any) -> None:
        self.inner, self.out, self.name = inner, out, inner.name

    def max_position(self, stream: str) -> int | None:
        return self.inner.max_position(stream)

    def process(self, items: Sequence[FeedItem], tracking: Tracking) -> None:
        self.inner.process(items, tracking)  # returns after the store's commit
        committed = time.time()
        self.out.writelines(f"{i.envelope.recorded_at.timestamp()} {committed}\n" for i in items)
        self.out.flush()


def tower_worker(latencies: Path) -> None:
    """One tower consumer as a process of its own (what `backbone run tower` runs, minus the generation
    follow and the backlog line every 5 s), its projection timed."""
    settings = Settings.from_env("control_tower").with_overrides(mode="distributed")
    configure_logging(settings.log_format, settings.log_level)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    store = build_tower_store(settings)
    (consumer,) = build_tower_consumers(store, settings, codec=AvroCodec(SchemaCatalog.load()))
    feed: Any = consumer.feed
    with latencies.with_suffix(".tmp").open("w") as out:
        consumer.processor = TimedProjection(consumer.processor, out)
        while not feed.consumer.assignment():
            consumer.step(timeout=0.2)
        out.write("ready\n")
        out.flush()
        latencies.with_suffix(".tmp").rename(latencies)
        while not stop.is_set():
            consumer.step(timeout=0.2)
    feed.close()
