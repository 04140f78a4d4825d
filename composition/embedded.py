"""The whole system in one process: every consumer reads its upstream's log directly and catches up when
``settle`` is called (embedded mode: the demo, ``backbone serve``, the simulator and the tests)."""

from __future__ import annotations

from backbone.clock import Clock
from backbone.consumer import TrackedConsumer
from backbone.feeds.base import FeedItem
from backbone.runtime import runtime_for
from backbone.settings import Settings
from composition.system import System
from services.control_tower.adapters.tower_store import TowerStore
from services.topics import TOWER_SOURCES


class EmbeddedBackbone:
    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, system: System | None = None
    ) -> None:
        """``system``: the one to run (default: built from ``settings`` and ``clock``)."""
        if not runtime_for(settings).one_process:
            raise ValueError("EmbeddedBackbone runs in embedded mode only")
        self.system = system or System(settings, clock=clock)
        self.codec = self.system.codec
        self.intake, self.decision = self.system.intake, self.system.decision
        self.decision_consumer = self.system.decision_consumer()
        self.live_views = self.system.live_views(consuming=True)

    @property
    def tower(self) -> TowerStore:
        """The live generation of the tower's views (a rebuild may swap in another)."""
        return self.live_views.current()

    @property
    def tower_consumers(self) -> list[TrackedConsumer[FeedItem]]:
        return self.live_views.consumers

    @property
    def consumers(self) -> list[TrackedConsumer[FeedItem]]:
        return [self.decision_consumer, *self.tower_consumers]

    def settle(self) -> None:
        """Run every consumer until none has anything left to read; measure the backlog if anything moved
        (an idle settle, as the API's background thread does five times a second, writes nothing).
        First follow a rebuild's swap, if one happened."""
        self.live_views.follow_swap()
        moved_at_all = False
        while sum(consumer.step(timeout=0) for consumer in self.consumers):
            moved_at_all = True
        if moved_at_all:
            self.measure_backlog()

    def measure_backlog(self) -> None:
        """How many events each upstream log holds beyond what the tower applied."""
        tower = self.tower
        self.tower.record_backlog(
            {
                stream: max(
                    0,
                    (self.system.log_of(stream).max_notification_id() or 0)
                    - (tower.max_tracking_id(stream) or 0),
                )
                for stream in TOWER_SOURCES
            }
        )

    def close(self) -> None:
        self.system.close()
