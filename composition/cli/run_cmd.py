"""``backbone run``: one service's long-running loop in distributed mode (PostgreSQL and Kafka).

intake          publishes intake's notification log to its topic (the outbox relay)
decision        consumes intake's topic, opens cases, and publishes its own log
decision-relay  only publishes decision's log (a relay of its own, e.g. beside a distributed simulation,
                whose decision consumer runs on the simulated clock)
tower           consumes both topics into the control tower's views
legacy-bridge   puts the Debezium connector's configuration to Kafka Connect, consumes the legacy
                change topics, and publishes the legacy cases it translates (ind.legacy.cases.v1)
legacy-mimic    consumes decision's topic and keeps the legacy rows of the cases moved at a cutover
                current (zaken.status, datum_besluit, a zaak_statussen row), marked as its writes;
                its positions are kept in the legacy database, written with the rows

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

from backbone.consumer import TrackedConsumer
from backbone.continuity import StoreBehindTopic
from backbone.feeds.kafka_topics import KafkaTopicsFeed
from backbone.kafka_clients import make_producer
from backbone.logs import configure_logging
from backbone.metrics import CONSUMER_LAG
from backbone.outbox import OutboxRelay
from backbone.service import CaseService
from composition.cli.exit_codes import ExitCode
from composition.cli.run_health import LoopHealth
from composition.cli.run_refusal import Refusal
from composition.identity import identity_of
from composition.legacy_parts import start_legacy_capture
from composition.system import System

log = structlog.get_logger("backbone.run")
SERVICES = {
    "intake": "intake",
    "decision": "decision",
    "decision-relay": "decision",
    "tower": "control_tower",
    "legacy-bridge": "legacy_bridge",
    "legacy-mimic": "legacy_mimic",
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
    parser.add_argument(
        "--instance",
        default="1",
        help="this instance's name, unique among the service's instances: for logs, client ids and the "
        "consumer group's static membership (a restart with the same name takes its partitions back)",
    )
    parser.add_argument(
        "--health-port",
        type=int,
        default=0,
        help="answer /health/live and /health/ready on this port of 127.0.0.1 (0: none); ready means "
        "the store and the broker answer and the loop went round within 30 s; /metrics there needs a "
        "token of BACKBONE_OIDC_ISSUER with the operations role",
    )
    parser.set_defaults(handler=_run)


def _run(arguments: argparse.Namespace) -> int:
    service = SERVICES[arguments.service]
    system = System.from_env(mode="distributed")
    settings = system.settings_for(service)
    configure_logging(settings.log_format, settings.log_level)
    # The health port's /metrics checks tokens: without an issuer, this stops here, before any work.
    verifier = identity_of(settings).verifier if arguments.health_port else None
    structlog.contextvars.bind_contextvars(service=service, instance=arguments.instance)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    log.info("service_starting", kafka=settings.kafka_bootstrap)
    loop = {
        "intake": _intake,
        "decision": _decision,
        "decision-relay": _decision_relay,
        "tower": _tower,
        "legacy-bridge": _legacy_bridge,
        "legacy-mimic": _legacy_mimic,
    }[arguments.service]
    health = LoopHealth()
    if verifier is not None:
        health.serve("127.0.0.1", arguments.health_port, verifier)
    try:
        loop(system, stop, arguments, health)
    except Exception:
        # Nothing is lost: positions were recorded with the effects. A supervisor restarts us.
        log.exception("service_failed")
        return ExitCode.UNAVAILABLE
    finally:
        system.close()
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


def _intake(system: System, stop: threading.Event, _: Any, health: LoopHealth) -> None:
    with make_producer(system.settings_for("intake"), client_id="intake-relay") as producer:
        health.add("intake_store", system.intake.recorder.max_notification_id)
        health.broker(system.settings_for("intake").kafka_bootstrap)
        _relay_loop(system.relay("intake", producer), stop, health)


def _decision_relay(system: System, stop: threading.Event, _: Any, health: LoopHealth) -> None:
    with make_producer(system.settings_for("decision"), client_id="decision-relay") as producer:
        health.add("decision_store", system.decision.recorder.max_notification_id)
        health.broker(system.settings_for("decision").kafka_bootstrap)
        _relay_loop(system.relay("decision", producer), stop, health)


def _relay_loop(relay: OutboxRelay, stop: threading.Event, health: LoopHealth) -> None:
    progress = ProgressLog()
    refusal = Refusal(relay.continuity, health)
    _freeze_start_up_objects()
    while not stop.is_set():
        health.beat()
        try:
            refusal.learn_once()
            if not relay.publish_pending():
                stop.wait(0.05)
        except StoreBehindTopic as error:
            refusal.wait(error, stop)
        progress.maybe(relay_position=relay.position(), published=relay.published)


def _decision(system: System, stop: threading.Event, arguments: Any, health: LoopHealth) -> None:
    """Open and run cases from intake's events; publish the cases' events."""
    settings = system.settings_for("decision")
    consumer = system.decision_consumer(
        group_id=arguments.group or f"{settings.topic_prefix}decision",
        instance_id=f"decision-{arguments.instance}",  # a static member: a restart resumes at once
    )
    _consume_and_relay("decision", system, system.decision, consumer, stop, health)


def _legacy_bridge(system: System, stop: threading.Event, arguments: Any, health: LoopHealth) -> None:
    """Capture the legacy database, translate its changes, publish the translation."""
    settings = system.settings_for("legacy_bridge")
    capture = start_legacy_capture(settings)
    log.info("legacy_capture_running", connector=capture.name)
    consumer = system.legacy_consumer(
        group_id=arguments.group or f"{settings.topic_prefix}legacy_bridge",
        instance_id=f"legacy_bridge-{arguments.instance}",  # a static member: a restart resumes at once
    )
    _consume_and_relay("legacy_bridge", system, system.legacy_bridge, consumer, stop, health)


def _legacy_mimic(system: System, stop: threading.Event, arguments: Any, health: LoopHealth) -> None:
    """Write decision's events of the moved cases back to the legacy rows; nothing to publish."""
    settings = system.settings_for("legacy_mimic")
    consumer = system.legacy_mimic_consumer(
        group_id=arguments.group or f"{settings.topic_prefix}legacy_mimic",
        instance_id=f"legacy_mimic-{arguments.instance}",  # a static member: a restart resumes at once
    )
    store = consumer.processor.store  # type: ignore[attr-defined]
    health.add("legacy_database", lambda: store.max_tracking_id("decision"))
    health.broker(settings.kafka_bootstrap)
    progress = ProgressLog()
    _freeze_start_up_objects()
    while not stop.is_set():
        health.beat()
        consumer.step(timeout=0.2)
        if progress.maybe(consumer=consumer.stats):
            _measure_lag("legacy_mimic", consumer.feed)


def _consume_and_relay(
    service: str,
    system: System,
    application: CaseService,
    consumer: TrackedConsumer[Any],
    stop: threading.Event,
    health: LoopHealth,
) -> None:
    """The loop of a service that consumes upstream items and publishes what it records."""
    settings = system.settings_for(service)
    with make_producer(settings, client_id=f"{service}-relay") as producer:
        relay = system.relay(service, producer)
        health.add(f"{service}_store", application.recorder.max_notification_id)
        health.broker(settings.kafka_bootstrap)
        progress = ProgressLog()
        refusal = Refusal(application.continuity, health)
        _freeze_start_up_objects()
        while not stop.is_set():
            health.beat()
            try:
                refusal.learn_once()
                consumer.step(timeout=0.1)
                relay.publish_pending()
            except StoreBehindTopic as error:
                refusal.wait(error, stop)
            if progress.maybe(consumer=consumer.stats, relay_position=relay.position()):
                _measure_lag(service, consumer.feed)


def _tower(system: System, stop: threading.Event, arguments: Any, health: LoopHealth) -> None:
    """Fill the live generation of the views; follow a rebuild's swap (``backbone tower rebuild``)."""
    settings = system.settings_for("control_tower")
    live = system.live_views(
        consuming=True,
        group_id=arguments.group or f"{settings.topic_prefix}control_tower",
        client_id=f"control_tower-{arguments.instance}",
        instance_id=f"control_tower-{arguments.instance}",  # a static member: a restart resumes at once
    )
    health.add("tower_views", lambda: live.store.positions())
    health.broker(settings.kafka_bootstrap)
    progress = ProgressLog()
    _freeze_start_up_objects()
    while not stop.is_set():
        health.beat()
        live.follow_swap()
        (consumer,) = live.consumers
        consumer.step(timeout=0.2)
        if progress.maybe(consumer=consumer.stats, generation=live.generation):
            live.store.record_backlog(_measure_lag("control_tower", consumer.feed))


def _measure_lag(processor: str, feed: Any) -> dict[str, int]:
    """The consumer's backlog per partition stream, into ``backbone_consumer_lag_events`` too."""
    backlog: dict[str, int] = feed.backlog() if isinstance(feed, KafkaTopicsFeed) else {}
    for stream, events in backlog.items():
        CONSUMER_LAG.labels(processor, stream).set(events)
    return backlog
