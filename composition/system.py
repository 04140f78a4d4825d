"""The whole backbone for one mode and one clock, built in one place: the codec once, each service on
its store, what each consumes, the outbox relays and the control tower's live views. The ``backbone``
command, the HTTP app, the long-running loops, the simulator, the benchmarks and the tests all build
it here. A part is built when it is first asked for, so a command that needs intake opens intake's
store alone; nothing connects before then."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from eventsourcing.persistence import ApplicationRecorder

from backbone.access_log import AccessLog
from backbone.clock import Clock, SystemClock
from backbone.codec import AvroCodec
from backbone.consumer import TrackedConsumer
from backbone.feeds.base import FeedItem
from backbone.logs import configure_logging
from backbone.outbox import OutboxRelay
from backbone.runtime import Runtime, runtime_for
from backbone.schemas import SchemaCatalog
from backbone.settings import SHARED_PREFIX, Settings
from composition.legacy_parts import (
    LEGACY_BRIDGE,
    LEGACY_MIMIC,
    build_cutover_ledger,
    build_legacy_bridge,
    build_legacy_consumer,
    build_legacy_mimic,
)
from composition.parts import (
    DECISION,
    INTAKE,
    TOWER,
    build_access_log,
    build_decision,
    build_decision_consumer,
    build_intake,
    build_relay,
    build_tower_consumers,
    guard_against_its_topic,
    topic_name,
)
from services.control_tower.adapters.live_views import LiveViews
from services.control_tower.adapters.tower_store import TowerStore
from services.decision.application.decision import Decision
from services.intake.application.intake import Intake
from services.legacy_bridge.application.bridge import LEGACY_SOURCE, LegacyBridge
from services.legacy_bridge.application.change_items import ChangeItem
from services.legacy_bridge.application.cutover_ledger import CutoverLedger


class System:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        settings_of: Callable[[str], Settings] | None = None,
    ) -> None:
        """``settings_of``: a service's own settings (``INTAKE_*`` before ``BACKBONE_*``); by default
        every service has ``settings``. The mode is ``settings``' for all of them."""
        self.settings = settings
        self.runtime: Runtime = runtime_for(settings)
        self.clock = clock or SystemClock()
        self.codec = AvroCodec(SchemaCatalog.load())
        self._settings_of = settings_of or (lambda _service: settings)
        self._closers: list[Callable[[], None]] = []

    @classmethod
    def from_env(cls, *, clock: Clock | None = None, mode: str | None = None) -> System:
        """The system the environment describes (``mode`` overrides ``BACKBONE_MODE``)."""

        def settings_of(service: str) -> Settings:
            settings = Settings.from_env(service)
            return settings.with_overrides(mode=mode) if mode else settings

        return cls(settings_of(SHARED_PREFIX), clock=clock, settings_of=settings_of)

    @classmethod
    def for_command(cls, service: str) -> System:
        """The system a ``backbone`` command works on, logging as ``service``'s settings say."""
        system = cls.from_env()
        settings = system.settings_for(service)
        configure_logging(settings.log_format, settings.log_level)
        return system

    def settings_for(self, service: str) -> Settings:
        return self._settings_of(service).with_overrides(mode=self.settings.mode)

    @cached_property
    def intake(self) -> Intake:
        intake = build_intake(self.settings_for(INTAKE), codec=self.codec, clock=self.clock)
        self._closers.append(intake.close)
        if self.runtime.publishes:
            guard_against_its_topic(INTAKE, intake, self.settings_for(INTAKE))
        return intake

    @cached_property
    def decision(self) -> Decision:
        decision = build_decision(self.settings_for(DECISION), codec=self.codec, clock=self.clock)
        self._closers.append(decision.close)
        if self.runtime.publishes:
            guard_against_its_topic(DECISION, decision, self.settings_for(DECISION))
        return decision

    @cached_property
    def legacy_bridge(self) -> LegacyBridge:
        bridge = build_legacy_bridge(self.settings_for(LEGACY_BRIDGE), codec=self.codec, clock=self.clock)
        self._closers.append(bridge.close)
        if self.runtime.publishes:
            guard_against_its_topic(LEGACY_BRIDGE, bridge, self.settings_for(LEGACY_BRIDGE))
        return bridge

    @cached_property
    def cutover_ledger(self) -> CutoverLedger:
        ledger = build_cutover_ledger(self.settings_for(LEGACY_BRIDGE))
        self._closers.append(ledger.close)
        return ledger

    def legacy_consumer(
        self, *, group_id: str | None = None, instance_id: str | None = None
    ) -> TrackedConsumer[ChangeItem]:
        """The legacy bridge's consumer of the change topics (distributed mode; closed with the system)."""
        consumer = build_legacy_consumer(
            self.legacy_bridge,
            self.settings_for(LEGACY_BRIDGE),
            group_id=group_id,
            instance_id=instance_id,
        )
        self._closers.insert(0, consumer.feed.close)
        return consumer

    def legacy_mimic_consumer(
        self, *, group_id: str | None = None, instance_id: str | None = None
    ) -> TrackedConsumer[FeedItem]:
        """The legacy mimic: decision's events written back to the moved cases' legacy rows (closed with
        the system)."""
        consumer = build_legacy_mimic(
            self.settings_for(LEGACY_MIMIC),
            codec=self.codec,
            decision_topic=topic_name(DECISION, self.settings_for(DECISION)),
            logs=self.log_of,
            group_id=group_id,
            instance_id=instance_id,
        )
        self._closers.insert(0, consumer.processor.store.close)  # type: ignore[attr-defined]
        self._closers.insert(0, consumer.feed.close)
        return consumer

    @cached_property
    def access_log(self) -> AccessLog:
        access_log = build_access_log(self.settings, codec=self.codec, clock=self.clock)
        self._closers.append(access_log.close)
        return access_log

    def log_of(self, service: str) -> ApplicationRecorder:
        """A producing service's (or the legacy bridge's) notification log, as this process's service
        holds it."""
        if service == LEGACY_BRIDGE:
            return self.legacy_bridge.recorder
        application: Intake | Decision = self.intake if service == INTAKE else self.decision
        return application.recorder

    def decision_consumer(
        self, *, group_id: str | None = None, instance_id: str | None = None
    ) -> TrackedConsumer[FeedItem]:
        """Decision's consumer of intake's accepted applications (closed with the system)."""
        consumer = build_decision_consumer(
            self.decision,
            self.settings_for(DECISION),
            codec=self.codec,
            logs=self.log_of,
            group_id=group_id,
            instance_id=instance_id,
        )
        self._closers.insert(0, consumer.feed.close)
        return consumer

    def tower_consumers(
        self,
        store: TowerStore,
        *,
        group_id: str | None = None,
        client_id: str = TOWER,
        instance_id: str | None = None,
    ) -> list[TrackedConsumer[FeedItem]]:
        return build_tower_consumers(
            store,
            self.settings_for(TOWER),
            codec=self.codec,
            logs=self.log_of,
            group_id=group_id,
            client_id=client_id,
            instance_id=instance_id,
        )

    def live_views(
        self,
        *,
        consuming: bool = False,
        group_id: str | None = None,
        client_id: str = TOWER,
        instance_id: str | None = None,
    ) -> LiveViews:
        """The tower's live views; ``consuming``: with the consumers that fill them (closed with the
        system)."""

        def consumers(store: TowerStore) -> list[TrackedConsumer[FeedItem]]:
            return self.tower_consumers(
                store, group_id=group_id, client_id=client_id, instance_id=instance_id
            )

        live = LiveViews(self.settings_for(TOWER), consumers if consuming else None)
        self._closers.insert(0, live.close)
        return live

    def relay(self, service: str, producer: Any, **options: Any) -> OutboxRelay:
        """``service``'s outbox relay through ``producer`` (``None``: positions only, nothing sent)."""
        settings = self.settings_for(service)
        if service == LEGACY_BRIDGE:
            return build_relay(
                service,
                self.legacy_bridge,
                settings,
                codec=self.codec,
                producer=producer,
                source=LEGACY_SOURCE,
                **options,
            )
        application = self.intake if service == INTAKE else self.decision
        return build_relay(service, application, settings, codec=self.codec, producer=producer, **options)

    def close(self) -> None:
        """Close what was built, consumers first, then the stores."""
        closers, self._closers = self._closers, []
        for close in closers:
            close()
