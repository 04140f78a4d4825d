"""Load on an open-loop schedule for the freshness benchmark: intake commands from driver processes
through the real intake application, or generated intake events sent straight to intake's topic."""

from __future__ import annotations

import multiprocessing
import threading
import time
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from backbone.clock import SystemClock
from backbone.codec import AvroCodec
from backbone.envelope import envelope_from_record, service_source
from backbone.kafka_clients import make_producer
from backbone.logs import configure_logging
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from bench.memory import peak_rss_mib
from bench.scratch import PARTITIONS
from composition.parts import build_intake
from services.intake.application.commands import ApplicationCommand, SubmitApplication
from services.intake.application.intake import Intake
from services.intake.domain.application import Application
from services.topics import declared_topics
from simulation.samples import run_sample, sample_applications


class Pacer:
    """An open-loop schedule: command n is due at start + n / rate. A command behind schedule goes at
    once, so the achieved rate is the target or what the machine can do, whichever is lower."""

    def __init__(self, rate: float, *, start: float) -> None:
        self._interval = 1.0 / rate
        self._next = time.monotonic() + (start - time.time())  # ``start`` is wall-clock time
        self._lock = threading.Lock()
        self.behind = 0.0  # the largest lag behind schedule seen, in seconds

    def wait(self) -> None:
        with self._lock:
            slot, self._next = self._next, self._next + self._interval
        delay = slot - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            self.behind = max(self.behind, -delay)


class PacedIntake:
    """Intake's commands, each (one event) waiting for its slot in the schedule."""

    def __init__(self, intake: Intake, pacer: Pacer) -> None:
        self.intake, self.pacer = intake, pacer

    def submit_application(self, command: SubmitApplication) -> UUID:
        self.pacer.wait()
        return self.intake.submit_application(command)

    def execute(self, application_id: UUID, command: ApplicationCommand) -> Application:
        self.pacer.wait()
        return self.intake.execute(application_id, command)


def send_paced(
    settings: Settings, codec: AvroCodec, events: list[tuple[int, str, Any]], rate: float, seconds: float
) -> tuple[float, float, int]:
    """Send events to intake's topic at ``rate`` for ``seconds``, each stamped recorded-at as it is sent."""
    topic = declared_topics(PARTITIONS, prefix=settings.topic_prefix)[0].name
    source = service_source("intake")
    with make_producer(settings, client_id="bench-paced") as producer:
        started = time.time() + 0.2
        pacer = Pacer(rate, start=started)
        sent = 0
        for notification_id, schema, record in events:
            if time.time() >= started + seconds:
                break
            pacer.wait()
            record["meta"]["recorded_at"] = datetime.now(UTC)
            envelope = envelope_from_record(source, schema, record, notification_id)
            value = codec.frame(schema, codec.encode_body(schema, record))
            producer.send(
                topic, key=envelope.subject.encode(), value=value, headers=envelope.kafka_headers()
            )
            sent += 1
        producer.flush()
    return started, pacer.behind, sent


def drive_intake(
    settings: Settings, rate: float, seconds: float, drivers: int
) -> tuple[float, float, float]:
    """Intake commands from ``drivers`` processes (like intake's API workers), each with its own share of
    the schedule; returns when the load started, how far the drivers fell behind at worst and the
    largest peak memory of a driver (MiB)."""
    spawn = multiprocessing.get_context("spawn")
    go, lag, peak = spawn.Event(), spawn.Value("d", 0.0), spawn.Value("d", 0.0)
    start_at = spawn.Value("d", 0.0)
    processes = []
    for n in range(drivers):  # one after the other: building Intake concurrently races in its DDL
        ready = spawn.Event()
        process = spawn.Process(
            target=intake_driver,
            args=(settings, rate / drivers, n, ready, go, start_at, seconds, lag, peak),
        )
        process.start()
        if not ready.wait(60):
            raise RuntimeError(f"intake driver {n} did not start")
        processes.append(process)
    start_at.value = time.time() + 0.2
    go.set()
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"an intake driver failed with exit code {process.exitcode}")
    return float(start_at.value), float(lag.value), float(peak.value)


def intake_driver(
    settings: Settings,
    rate: float,
    n: int,
    ready: Any,
    go: Any,
    start_at: Any,
    seconds: float,
    lag: Any,
    peak: Any,
) -> None:
    """One driver process: sample applications through intake at its share of the rate until the end."""
    configure_logging("console", "warning")
    intake = build_intake(settings, codec=AvroCodec(SchemaCatalog.load()), clock=SystemClock())
    ready.set()
    go.wait()
    pacer = Pacer(rate, start=float(start_at.value))
    paced = PacedIntake(intake, pacer)
    until = float(start_at.value) + seconds
    today = date.today()
    batch = 0
    while time.time() < until:
        for application in sample_applications(50, seed=n * 100_000 + batch, today=today):
            if time.time() >= until:
                break
            run_sample(paced, application, accept=True, today=today)
        batch += 1
    with lag.get_lock():
        lag.value = max(lag.value, pacer.behind)
    with peak.get_lock():
        peak.value = max(peak.value, peak_rss_mib() or 0.0)
    intake.close()
