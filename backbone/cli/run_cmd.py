"""``backbone run``: one service's long-running loop in distributed mode (PostgreSQL and Kafka).

intake          publishes intake's notification log to its topic (the outbox relay)
decision        consumes intake's topic, opens cases, and publishes its own log
decision-relay  only publishes decision's log (a relay of its own, e.g. beside a distributed simulation,
                whose decision consumer runs on the simulated clock)
tower           consumes both topics into the control tower's views

Stops cleanly on SIGTERM or Ctrl-C, after the batch in hand.
"""

from __future__ import annotations

import argparse
import gc
import signal
import threading
import time
from typing import Any

import structlog

from backbone.codec import AvroCodec
from backbone.feeds.kafka_topics import KafkaTopicsFeed
from backbone.kafka_clients import make_producer
from backbone.logs import configure_logging
from backbone.outbox import OutboxRelay
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from services.control_tower.bootstrap import LiveViews, build_tower_consumers
from services.decision.bootstrap import (
    build_decision,
    build_decision_consumer,
    build_decision_relay,
)
from services.intake.bootstrap import build_intake, build_intake_relay

log = structlog.get_logger("backbone.run")
SERVICES = {
    "intake": "intake",
    "decision": "decision",
    "decision-relay": "decision",
    "tower": "control_tower",
}


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "run",
        help="run one service's loop (distributed mode)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("service", choices=sorted(SERVICES))
    parser.add_argument(
        "--group", help="Kafka consumer group (default: the topic prefix and the service name)"
    )
    parser.add_argument("--instance", default="1", help="instance name, for logs and client ids")
    parser.set_defaults(handler=_run)


def _run(arguments: argparse.Namespace) -> int:
    service = SERVICES[arguments.service]
    settings = Settings.from_env(service).with_overrides(mode="distributed")
    configure_logging(settings.log_format, settings.log_level)
    structlog.contextvars.bind_contextvars(service=service, instance=arguments.instance)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    codec = AvroCodec(SchemaCatalog.load())
    log.info("service_starting", kafka=settings.kafka_bootstrap)
    loop = {
        "intake": _intake,
        "decision": _decision,
        "decision-relay": _decision_relay,
        "tower": _tower,
    }[arguments.service]
    try:
        loop(settings, codec, stop, arguments)
    except Exception:
        # Nothing is lost: positions were recorded with the effects. A supervisor restarts us.
        log.exception("service_failed")
        return 1
    log.info("service_stopped")
    return 0


def _freeze_start_up_objects() -> None:
    """Move what was built at start (modules, clients, schemas), which lives as long as the process,
    out of the garbage collector's generations, so its full collections no longer walk it. In the
    benchmark's process (bench/throughput.py), it cut the collector's time while a relay published 8,000
    events from about 140 to 35 ms."""
    gc.collect()
    gc.freeze()


class ProgressLog:
    """A ``service_progress`` line every ``interval`` seconds: liveness for ops, evidence for tests."""

    def __init__(self, interval: float = 5.0) -> None:
        self.interval = interval
        self._next = time.monotonic() + interval

    def maybe(self, **figures: Any) -> bool:
        if time.monotonic() < self._next:
            return False
        self._next = time.monotonic() + self.interval
        log.info("service_progress", **{k: getattr(v, "__dict__", v) for k, v in figures.items()})
        return True


def _intake(settings: Settings, codec: AvroCodec, stop: threading.Event, _: Any) -> None:
    intake = build_intake(settings, codec=codec)
    with make_producer(settings, client_id="intake-relay") as producer:
        _relay_loop(build_intake_relay(intake, settings, codec=codec, producer=producer), stop)


def _decision_relay(settings: Settings, codec: AvroCodec, stop: threading.Event, _: Any) -> None:
    decision = build_decision(settings, codec=codec)
    with make_producer(settings, client_id="decision-relay") as producer:
        _relay_loop(build_decision_relay(decision, settings, codec=codec, producer=producer), stop)


def _relay_loop(relay: OutboxRelay, stop: threading.Event) -> None:
    progress = ProgressLog()
    _freeze_start_up_objects()
    while not stop.is_set():
        if not relay.publish_pending():
            stop.wait(0.05)
        progress.maybe(relay_position=relay.position(), published=relay.published)


def _decision(settings: Settings, codec: AvroCodec, stop: threading.Event, arguments: Any) -> None:
    decision = build_decision(settings, codec=codec)
    consumer = build_decision_consumer(
        decision, settings, codec=codec, group_id=arguments.group or f"{settings.topic_prefix}decision"
    )
    with make_producer(settings, client_id="decision-relay") as producer:
        relay = build_decision_relay(decision, settings, codec=codec, producer=producer)
        progress = ProgressLog()
        _freeze_start_up_objects()
        try:
            while not stop.is_set():
                consumer.step(timeout=0.1)
                relay.publish_pending()
                progress.maybe(consumer=consumer.stats, relay_position=relay.position())
        finally:
            consumer.feed.close()


def _tower(settings: Settings, codec: AvroCodec, stop: threading.Event, arguments: Any) -> None:
    """Fill the live generation of the views; follow a rebuild's swap (``backbone tower rebuild``)."""
    live = LiveViews(
        settings,
        lambda store: build_tower_consumers(
            store,
            settings,
            codec=codec,
            group_id=arguments.group or f"{settings.topic_prefix}control_tower",
            client_id=f"control_tower-{arguments.instance}",
        ),
    )
    progress = ProgressLog()
    _freeze_start_up_objects()
    try:
        while not stop.is_set():
            live.follow_swap()
            (consumer,) = live.consumers
            consumer.step(timeout=0.2)
            if progress.maybe(consumer=consumer.stats, generation=live.generation) and isinstance(
                consumer.feed, KafkaTopicsFeed
            ):
                live.store.record_backlog(consumer.feed.backlog())
    finally:
        live.close()
