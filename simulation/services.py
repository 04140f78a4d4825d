"""The services a simulation drives, with the simulation's clock, in either mode.

Embedded: intake, decision and the tower in this process on SQLite (``EmbeddedBackbone``). Distributed:
intake and decision on PostgreSQL in this process, each publishing through its own outbox relay to
Kafka, and decision's consumer reading intake's topic, so that both run on the simulated clock; the
tower runs as its own process (``backbone run tower``) and reads the topics as it always does. Do not
run ``backbone run intake`` or ``backbone run decision`` beside a distributed simulation: their clocks
would be the wall clock.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from backbone.cli.embedded import EmbeddedBackbone
from backbone.clock import ManualClock
from backbone.codec import AvroCodec
from backbone.kafka_clients import make_producer
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from services.decision.bootstrap import build_decision, build_decision_consumer, build_decision_relay
from services.intake.bootstrap import build_intake, build_intake_relay

CATCH_UP_SECONDS = 120.0


class SimulatedServices(Protocol):
    """Intake and decision on the simulation's clock; ``settle`` lets decision catch up with intake."""

    intake: Any
    decision: Any

    def settle(self) -> None: ...

    def close(self) -> None: ...


class EmbeddedServices:
    def __init__(self, settings: Settings, clock: ManualClock) -> None:
        self.backbone = EmbeddedBackbone(settings, clock=clock)
        self.intake, self.decision = self.backbone.intake, self.backbone.decision

    def settle(self) -> None:
        self.backbone.settle()

    def close(self) -> None:
        self.backbone.close()


class DistributedServices:
    def __init__(self, settings: Settings, clock: ManualClock) -> None:
        codec = AvroCodec(SchemaCatalog.load())
        self.intake = build_intake(settings, codec=codec, clock=clock)
        self.decision = build_decision(settings, codec=codec, clock=clock)
        self.producer = make_producer(settings, client_id="simulator")
        self.intake_relay = build_intake_relay(self.intake, settings, codec=codec, producer=self.producer)
        self.decision_relay = build_decision_relay(
            self.decision, settings, codec=codec, producer=self.producer
        )
        self.consumer = build_decision_consumer(self.decision, settings, codec=codec)
        self.partitions = settings.topic_partitions

    def settle(self) -> None:
        """Publish intake's new events, let decision apply every one of them, publish decision's."""
        self.intake_relay.publish_pending()
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while True:
            read = self.consumer.step(timeout=0.2)
            feed: Any = self.consumer.feed
            backlog = feed.backlog()
            if not read and len(backlog) == self.partitions and not any(backlog.values()):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"decision did not catch up with intake's topic in {CATCH_UP_SECONDS:.0f} s "
                    f"(backlog per partition: {backlog})"
                )
        self.decision_relay.publish_pending()

    def close(self) -> None:
        self.consumer.feed.close()
        self.producer.close()
        self.intake.close()
        self.decision.close()


def simulated_services(settings: Settings, clock: ManualClock) -> SimulatedServices:
    if settings.mode == "embedded":
        return EmbeddedServices(settings, clock)
    return DistributedServices(settings, clock)
