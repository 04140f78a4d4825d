"""The live generation of the control tower's views, followed across a rebuild's swap."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import structlog

from backbone.consumer import TrackedConsumer
from backbone.feeds.base import FeedItem
from backbone.settings import Settings
from backbone.stores import build_view
from services.control_tower.adapters.generations import ViewGenerations, generation_place
from services.control_tower.adapters.tower_store import (
    PostgresTowerStore,
    SQLiteTowerStore,
    TowerStore,
)

log = structlog.get_logger("control_tower")
SERVICE = "control_tower"


FOLLOW_SWAP_EVERY_SECONDS = 1.0


def build_tower_store(settings: Settings, generation: int | None = None) -> TowerStore:
    """The views of ``generation`` (default: the live one)."""
    if generation is None:
        generations = ViewGenerations(settings)
        try:
            generation = generations.live()
        finally:
            generations.close()
    return build_view(generation_place(generation), settings, SQLiteTowerStore, PostgresTowerStore)


class LiveViews:
    """The live generation of the views, followed across a rebuild's swap: ``current()`` looks at the
    registry at most once a second and opens the new generation when it changed. With ``consumers``
    (a factory), it also keeps the consumers that fill the live generation, rebuilt on a swap so they
    continue from the new generation's own tracked positions."""

    def __init__(
        self,
        settings: Settings,
        consumers: Callable[[TowerStore], list[TrackedConsumer[FeedItem]]] | None = None,
        *,
        follow_every: float = FOLLOW_SWAP_EVERY_SECONDS,
    ) -> None:
        self.settings = settings
        self.generations = ViewGenerations(settings)
        self._make_consumers = consumers
        self._follow_every = follow_every
        self._lock = threading.RLock()
        self.generation = self.generations.live()
        self.store = build_tower_store(settings, self.generation)
        self.consumers = consumers(self.store) if consumers else []
        self._checked_at = time.monotonic()

    def current(self) -> TowerStore:
        self.follow_swap()
        return self.store

    def follow_swap(self, *, now: bool = False) -> bool:
        """Open the live generation if a rebuild swapped it in; returns whether it did."""
        if not now and time.monotonic() - self._checked_at < self._follow_every:
            return False
        with self._lock:
            self._checked_at = time.monotonic()
            live = self.generations.live()
            if live == self.generation:
                return False
            old_consumers = self.consumers
            store = build_tower_store(self.settings, live)
            self.consumers = self._make_consumers(store) if self._make_consumers else []
            self.store, self.generation = store, live
        for consumer in old_consumers:
            consumer.feed.close()
        log.info("tower_views_swapped", generation=live)
        return True

    def close(self) -> None:
        for consumer in self.consumers:
            consumer.feed.close()
        self.generations.close()
