"""All services in one process on SQLite files, each consumer reading its upstream's log directly."""

from __future__ import annotations

from backbone.clock import Clock, SystemClock
from backbone.codec import AvroCodec
from backbone.consumer import TrackedConsumer
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from services.control_tower.bootstrap import LiveViews, Store, build_tower_consumers
from services.decision.bootstrap import build_decision, build_decision_consumer
from services.intake.bootstrap import build_intake


class EmbeddedBackbone:
    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        if settings.mode != "embedded":
            raise ValueError("EmbeddedBackbone runs in embedded mode only")
        clock = clock or SystemClock()
        self.codec = AvroCodec(SchemaCatalog.load())
        self.intake = build_intake(settings, codec=self.codec, clock=clock)
        self.decision = build_decision(settings, codec=self.codec, clock=clock)
        self.decision_consumer = build_decision_consumer(
            self.decision, settings, codec=self.codec, intake_log=self.intake.recorder
        )
        logs = {"intake": self.intake.recorder, "decision": self.decision.recorder}
        self.live_views = LiveViews(
            settings, lambda store: build_tower_consumers(store, settings, codec=self.codec, logs=logs)
        )

    @property
    def tower(self) -> Store:
        """The live generation of the tower's views (a rebuild may swap in another)."""
        return self.live_views.current()

    @property
    def tower_consumers(self) -> list[TrackedConsumer]:
        return self.live_views.consumers

    @property
    def consumers(self) -> list[TrackedConsumer]:
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
        heads = {"intake": self.intake.recorder, "decision": self.decision.recorder}
        self.tower.record_backlog(
            {
                stream: max(
                    0, (recorder.max_notification_id() or 0) - (self.tower.max_tracking_id(stream) or 0)
                )
                for stream, recorder in heads.items()
            }
        )

    def close(self) -> None:
        self.decision_consumer.feed.close()
        self.live_views.close()
        self.intake.close()
        self.decision.close()
