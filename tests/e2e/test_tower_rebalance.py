"""Two tower processes in one consumer group over 6 partitions, rebalanced while events flow: a second
instance joins midway, then one is killed with SIGKILL and the survivor takes over its partitions. The
views must end exactly equal to a fresh single-consumer rebuild of the same topics, and every event on
the topics must have been applied once (per-type counts equal what the topics hold)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from backbone.consumer import TrackedConsumer
from backbone.envelope import envelope_from_kafka
from backbone.feeds.base import FeedItem
from backbone.kafka_clients import make_producer
from backbone.settings import Settings
from backbone.stores import build_view
from composition.parts import (
    build_decision,
    build_decision_consumer,
    build_decision_relay,
    build_intake,
    build_intake_relay,
    build_tower_consumers,
)
from services.control_tower.adapters.live_views import build_tower_store
from services.control_tower.adapters.tower_store import PostgresTowerStore, SQLiteTowerStore
from services.topics import PRODUCERS, TOWER_SOURCES, declared_topics
from simulation.plan import SimulationPlan
from simulation.simulator import Simulator
from tests.conftest import topics_of_its_own
from tests.e2e.test_rebuild import every_view
from tests.factories import codec, simulation_clock
from tests.kafka_reading import read_topic

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
PARTITIONS = 6
ALL = len(TOWER_SOURCES) * PARTITIONS  # partitions of every topic the tower reads
PLAN = SimulationPlan(starts_on=date(2026, 3, 2), weeks=10, scale=0.011, seed=7)
# Instance 2 joins after week 1. Instance 2 is killed at the first week's end, from week 4 on, where both
# instances hold partitions and instance 2 has applied events; at the latest after week 8, so that
# events keep coming afterwards.
SECOND_JOINS_AFTER_WEEK, KILL_FROM_WEEK, KILL_BY_WEEK = 1, 4, 8
# A consumer caught in the kafka-python 3.0.12 rebalance hang is restarted after 30 s (it can happen
# more than once), and a SIGKILLed member keeps its partitions until its session expires (45 s).
SHARING_SECONDS, CATCH_UP_SECONDS = 90, 180
# kafka-python's own log lines (BACKBONE_LIBRARY_LOG_LEVEL=info): what each instance holds, when.
ASSIGNMENT = re.compile(r"(Setting newly assigned|Revoking previously assigned) partitions (.*) for group")


@pytest.fixture
def six_partitions(postgres_settings: Settings, kafka_available: str, tmp_path: Path) -> Iterator[Settings]:
    """Distributed settings on a database of this test's own and topics of 6 partitions, deleted after."""
    with topics_of_its_own(
        postgres_settings.with_overrides(data_dir=tmp_path), PARTITIONS, "rebalance"
    ) as s:
        yield s


class Towers:
    """Tower instances as real processes (``backbone run tower --instance N``), logging to files."""

    def __init__(self, settings: Settings, logs: Path) -> None:
        self.env = {
            **os.environ,
            **settings.as_environment(),
            "BACKBONE_LOG_FORMAT": "json",
            "BACKBONE_LIBRARY_LOG_LEVEL": "info",  # kafka-python's assignment lines are the evidence
        }
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[str]] = {}
        self.killed: set[str] = set()

    def start(self, instance: str) -> None:
        command = [sys.executable, "-m", "composition.cli.main", "run", "tower", "--instance", instance]
        log = self.log_path(instance).open("w")  # a file: a pipe nobody reads would block the process
        self.processes[instance] = subprocess.Popen(command, env=self.env, stderr=log, text=True)

    def kill(self, instance: str) -> None:
        self.killed.add(instance)
        self.processes[instance].send_signal(signal.SIGKILL)
        self.processes[instance].wait(timeout=30)

    def stop(self, instance: str) -> int:
        self.processes[instance].send_signal(signal.SIGTERM)
        return self.processes[instance].wait(timeout=60)

    def check_running(self) -> None:
        """Fail at once, with its last words, if an instance we did not kill has exited."""
        for instance, process in self.processes.items():
            if instance not in self.killed and process.poll() is not None:
                raise AssertionError(
                    f"tower {instance} exited with {process.returncode}: {self.last_words(instance)}"
                )

    def last_words(self, instance: str) -> str:
        lines = [ln for ln in self.log(instance).splitlines() if ln.startswith("{")]
        return "\n".join(lines[-3:])[-4000:]

    def log_path(self, instance: str) -> Path:
        return self.logs / f"tower-{instance}.log"

    def log(self, instance: str) -> str:
        return self.log_path(instance).read_text()

    def holding(self, instance: str) -> int:
        """How many partitions the instance holds now, by its latest assignment or revocation."""
        held = 0
        for verb, partitions in ASSIGNMENT.findall(self.log(instance)):
            held = partitions.count("TopicPartition(") if verb.startswith("Setting") else 0
        return held

    def both_at_work(self) -> bool:
        """Both instances hold a share of the partitions, and instance 2 has applied events."""
        one, two = self.holding("1"), self.holding("2")
        return 0 < one < ALL and 0 < two < ALL and one + two == ALL and self.applied("2") > 0

    def applied(self, instance: str) -> int:
        """The largest applied count the instance reported in its ``service_progress`` lines."""
        applied = 0
        for line in self.log(instance).splitlines():
            if '"service_progress"' in line and line.endswith("}"):  # a whole line, not one being written
                applied = max(applied, json.loads(line)["consumer"]["applied"])
        return applied

    def print_logs(self) -> None:
        for instance in self.processes:
            lines = [ln for ln in self.log(instance).splitlines() if "kafka.consumer.fetcher" not in ln]
            print(f"--- tower-{instance}.log ({self.log_path(instance)}):", *lines[-25:], sep="\n")

    def close(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)


@pytest.fixture
def towers(six_partitions: Settings, tmp_path: Path) -> Iterator[Towers]:
    towers = Towers(six_partitions, tmp_path)
    yield towers
    towers.print_logs()  # pytest shows it when the test fails
    towers.close()


class Pipeline:
    """Intake and decision on PostgreSQL; their relays publish to Kafka in a background loop, as the
    services' ``run`` loops do, so events flow while the simulation runs."""

    def __init__(self, settings: Settings, clock: Any) -> None:
        self.intake = build_intake(settings, codec=codec(), clock=clock)
        self.decision = build_decision(settings, codec=codec(), clock=clock)
        self.decision_consumer = build_decision_consumer(self.decision, settings, codec=codec())
        self.producer = make_producer(settings, client_id="rebalance-test")
        self.relays = [
            build_intake_relay(self.intake, settings, codec=codec(), producer=self.producer),
            build_decision_relay(self.decision, settings, codec=codec(), producer=self.producer),
        ]
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._relay_loop, daemon=True)
        self._thread.start()

    def _relay_loop(self) -> None:
        try:
            while not self._stop.wait(0.05):
                self.publish()
        except BaseException as failure:  # reported by the test thread
            self._failure = failure

    def publish(self) -> None:
        with self._lock:  # one publisher per relay at a time, or messages go out twice
            for relay in self.relays:
                relay.publish_pending()

    def published(self) -> int:
        return sum(relay.published for relay in self.relays)

    def settle(self) -> None:
        """Decision consumes everything intake has recorded so far (the simulation needs its cases)."""
        assert self._failure is None, self._failure
        self.publish()
        deadline = time.monotonic() + 60
        read = self.decision_consumer.stats
        while read.applied + read.skipped < self.relays[0].published:
            assert time.monotonic() < deadline, f"decision is stuck at {read}"
            self.decision_consumer.step(timeout=0.5)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        assert self._failure is None, self._failure
        self.publish()  # whatever was recorded after the last loop
        self.decision_consumer.feed.close()
        self.producer.close()
        self.intake.close()
        self.decision.close()


def on_the_topics(settings: Settings) -> tuple[dict[str, int], dict[str, int]]:
    """What the topics hold: the last notification id per stream, and events per type (each once)."""
    ends: dict[str, int] = {}
    events: dict[tuple[str, int], str] = {}
    avro = codec()
    for spec in declared_topics(PARTITIONS, prefix=settings.topic_prefix):
        for record in read_topic(settings, spec.name):
            envelope = envelope_from_kafka(avro, record.headers, record.value)
            stream = f"{spec.producer}:p{record.partition}"
            ends[stream] = max(ends.get(stream, 0), envelope.notification_id)
            events[(stream, envelope.notification_id)] = envelope.schema
    return ends, dict(Counter(events.values()))


def caught_up(store: Any, ends: dict[str, int]) -> bool:
    positions = store.positions()
    return all(positions.get(stream) == end for stream, end in ends.items())


def wait_until(condition: Any, seconds: float, what: str, towers: Towers) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        towers.check_running()
        assert time.monotonic() < deadline, f"timed out after {seconds} s waiting until {what}"
        time.sleep(0.25)


def test_two_tower_instances_rebalanced_mid_stream_end_exactly_as_a_single_consumer_rebuild(
    six_partitions: Settings, towers: Towers
) -> None:
    settings = six_partitions
    clock = simulation_clock(PLAN)
    published_at_kill = 0

    def rebalance(weeks_done: int, _: int) -> None:
        """Between the simulated weeks, while the relays keep publishing."""
        nonlocal published_at_kill
        towers.check_running()
        if weeks_done == SECOND_JOINS_AFTER_WEEK:
            towers.start("2")
        if published_at_kill or not KILL_FROM_WEEK <= weeks_done <= KILL_BY_WEEK:
            return
        if weeks_done == KILL_BY_WEEK:  # the last chance: wait (events stop meanwhile)
            wait_until(towers.both_at_work, SHARING_SECONDS, "both instances are at work", towers)
        if towers.both_at_work():
            towers.kill("2")  # mid-stream: this week's decision events are on their way to it
            published_at_kill = pipeline.published()

    towers.start("1")
    wait_until(lambda: towers.holding("1") == ALL, SHARING_SECONDS, "1 holds every partition", towers)
    pipeline = Pipeline(settings, clock)
    started = time.monotonic()
    # A transaction per command, as the services record them in office hours: the weeks' events trickle
    # out while the group rebalances (batched, ten weeks take a few seconds, less than a join).
    simulator = Simulator(
        pipeline.intake, pipeline.decision, clock, pipeline.settle, PLAN, one_command_per_transaction=True
    )
    stats = simulator.run(progress=rebalance)
    pipeline.close()
    simulation_seconds = time.monotonic() - started
    assert stats.decided > 50
    assert pipeline.published() > published_at_kill > 0  # events kept coming after the kill

    ends, counts_on_topics = on_the_topics(settings)
    # (the legacy bridge's topic is read but empty here: no legacy system in this test)
    assert len(ends) == len(PRODUCERS) * PARTITIONS, "every partition of both services' topics holds events"
    assert counts_on_topics["nl.ind.intake.ApplicationSubmitted"] == stats.applications
    live = build_tower_store(settings)
    wait_until(lambda: caught_up(live, ends), CATCH_UP_SECONDS, "the surviving instance caught up", towers)
    caught_up_seconds = time.monotonic() - started - simulation_seconds
    # The survivor took over every partition and applied events (its progress line comes every 5 s).
    wait_until(lambda: towers.holding("1") == ALL and towers.applied("1") > 0, 30, "1 took over", towers)

    rebuilt = build_view("control_tower_rebuild", settings, SQLiteTowerStore, PostgresTowerStore)
    (rebuild,) = build_tower_consumers(
        rebuilt, settings, codec=codec(), group_id=f"{settings.topic_prefix}rebuild", client_id="rebuild"
    )
    run_until(rebuild, lambda: caught_up(rebuilt, ends))

    today = clock.now().date()
    assert live.event_counts() == counts_on_topics  # nothing lost, nothing applied twice
    live_views, rebuilt_views = every_view(live, today), every_view(rebuilt, today)
    for view in live_views:
        assert live_views[view] == rebuilt_views[view], view
    assert towers.stop("1") == 0, towers.log("1")[-3000:]
    assert '"event": "service_stopped"' in towers.log("1")
    print(
        f"{stats.applications} applications, {sum(counts_on_topics.values())} events: simulation "
        f"{simulation_seconds:.1f} s, survivor caught up {caught_up_seconds:.1f} s later"
    )


def run_until(consumer: TrackedConsumer[FeedItem], done: Any, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    try:
        while not done():
            assert time.monotonic() < deadline, f"the rebuild is stuck at {consumer.stats}"
            consumer.step(timeout=0.5)
    finally:
        consumer.feed.close()
