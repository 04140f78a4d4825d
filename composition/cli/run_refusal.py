"""What a ``backbone run`` loop does while its store is behind its topic: nothing, said clearly."""

from __future__ import annotations

import threading
import time

import structlog

from backbone.continuity import Continuity, StoreBehindTopic
from composition.cli.run_health import LoopHealth

log = structlog.get_logger("backbone.run")


class Refusal:
    """A loop that writes to a store or publishes from it stops doing so while the store is behind its
    topic (``backbone.continuity``): it says why, is not ready, and goes on once the store is recovered
    (``backbone recover``), without a restart."""

    SAY_AGAIN_SECONDS = 30.0
    CHECK_IDLE_SECONDS = 5.0  # an idle loop checks too, so a restore is said at once, not at the next event

    def __init__(self, continuity: Continuity | None, health: LoopHealth) -> None:
        self._continuity = continuity
        self._learnt = continuity is None
        self._said_at: float | None = None
        self._checked_at = time.monotonic()
        if continuity is not None:
            health.add(f"{continuity.service}_store_level_with_topic", continuity.check)

    def learn_once(self) -> None:
        """Learn the topic's tail before the first round writes anything; check now and then."""
        if self._continuity is None:
            return
        if not self._learnt:
            self._continuity.learn()
            self._learnt = True
        elif time.monotonic() - self._checked_at > self.CHECK_IDLE_SECONDS:
            self._continuity.check()
        self._checked_at = time.monotonic()

    def wait(self, error: StoreBehindTopic, stop: threading.Event) -> None:
        now = time.monotonic()
        if self._said_at is None or now - self._said_at > self.SAY_AGAIN_SECONDS:
            log.error("store_behind_topic", message=str(error), notification_id=error.tail.notification_id)
            self._said_at = now
        self._learnt = False  # learn again: the topic may have moved on meanwhile
        stop.wait(2.0)
