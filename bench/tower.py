"""The control tower on the real broker and PostgreSQL: rebuild throughput and freshness.

    python -m bench.tower [--part rebuild|freshness|all] [--weeks 20] [--applications-per-week 300]
                          [--rounds 2] [--batch-size 500] [--rates 100,500] [--sources intake,kafka]
                          [--warm-up 10] [--seconds 40] [--drivers 3] [--json PATH]

rebuild    A generated history (real intake and decision commands, embedded stores for speed) is published
           by the services' relays to topics of 6 partitions. Then, taking turns in one run, per round:
             bare   a bare KafkaConsumer reading both topics from the beginning to the end, doing nothing
             feed   the tower's feed alone: its consumer group, Kafka fetch and envelope decoding, no store
             tower  the tower rebuild: build_tower_consumers into a fresh PostgreSQL schema, to the end
           Each skips its first batch (the group join) and counts events per second; the ratio is
           tower / bare per round, and the median is reported. One more rebuild runs under cProfile.
freshness  Per event, the time from its recorded_at in intake's store to the commit of the tower
           transaction that applied it (the tower process wraps the projection's process()). Sources:
             intake  the whole path: intake commands on a steady schedule through the real intake
                     application on PostgreSQL (driver processes), intake's relay (`backbone run intake`)
                     and one tower consumer, each a process of its own
             kafka   the tower alone at the rate: a paced producer sends generated intake events to
                     intake's topic, each stamped recorded-at as it is sent
Writes bench/results/tower-<date>.json and prints markdown tables. Needs Kafka and PostgreSQL.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import multiprocessing
import os
import pstats
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from tempfile import mkdtemp
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import Tracking
from kafka import KafkaConsumer, TopicPartition

from backbone.clock import ManualClock, SystemClock
from backbone.codec import AvroCodec
from backbone.consumer import Processor
from backbone.envelope import envelope_from_record, service_source
from backbone.feeds.base import FeedItem
from backbone.feeds.kafka_topics import KafkaTopicsFeed
from backbone.feeds.offset_hints import OffsetHints
from backbone.kafka_clients import make_admin, make_consumer, make_producer
from backbone.logs import configure_logging
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from backbone.stores import build_view, postgres_dsn
from backbone.topics import ensure_topics
from infra.topics import declared_topics
from services.control_tower.adapters.workload_store import PostgresWorkloadStore, SQLiteWorkloadStore
from services.control_tower.bootstrap import build_tower_consumers, build_workload_store
from services.decision.bootstrap import build_decision, build_decision_consumer, build_decision_relay
from services.intake.application.intake import Intake
from services.intake.bootstrap import build_intake, build_intake_relay
from services.intake.samples import run_sample, sample_applications
from simulation.history import generate_history

PARTITIONS = 6
RESULTS = Path(__file__).parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=["rebuild", "freshness", "all"], default="all")
    parser.add_argument("--weeks", type=int, default=20, help="rebuild: weeks of generated history")
    parser.add_argument("--applications-per-week", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2, help="rebuild: A B rounds")
    parser.add_argument("--batch-size", type=int, default=500, help="rebuild: records per poll (both)")
    parser.add_argument("--rates", default="100,500", help="freshness: intake events per second")
    parser.add_argument(
        "--sources", default="intake,kafka", help="freshness: intake (whole path), kafka (tower alone)"
    )
    parser.add_argument("--warm-up", type=float, default=10.0, help="freshness: seconds not measured")
    parser.add_argument("--seconds", type=float, default=40.0, help="freshness: seconds measured")
    parser.add_argument("--drivers", type=int, default=3, help="freshness: intake command processes")
    parser.add_argument("--json", type=Path, help=f"default: {RESULTS}/tower-<date>.json")
    parser.add_argument("--worker-latencies", type=Path, help=argparse.SUPPRESS)  # the tower process
    arguments = parser.parse_args()
    if arguments.worker_latencies:
        return tower_worker(arguments.worker_latencies)
    configure_logging("console", "warning")
    figures: dict[str, Any] = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if arguments.part in ("rebuild", "all"):
        figures["rebuild"] = rebuild(
            arguments.weeks, arguments.applications_per_week, arguments.rounds, arguments.batch_size
        )
        print(rebuild_markdown(figures["rebuild"]))
    if arguments.part in ("freshness", "all"):
        rates = [int(r) for r in arguments.rates.split(",")]
        figures["freshness"] = [
            freshness(rate, arguments.warm_up, arguments.seconds, arguments.drivers, source)
            for source in arguments.sources.split(",")
            for rate in rates
        ]
        print(freshness_markdown(figures["freshness"]))
    path = arguments.json or RESULTS / f"tower-{date.today().isoformat()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2))
    print(f"\nwritten to {path}")


@contextmanager
def scratch() -> Iterator[Settings]:
    """Topics of 6 partitions and a database of this run's own, both removed afterwards."""
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    base = Settings.from_env()
    database = prefix.strip(".").replace("-", "_")
    with psycopg.connect(postgres_dsn(base), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    settings = base.with_overrides(
        mode="distributed",
        postgres_dbname=database,
        topic_prefix=prefix,
        topic_partitions=PARTITIONS,
        data_dir=Path(mkdtemp(prefix="bench-tower-")),
    )
    specs = declared_topics(PARTITIONS, prefix=prefix)
    admin = make_admin(settings)
    ensure_topics(admin, specs)
    try:
        yield settings
    finally:
        admin.delete_topics([s.name for s in specs])
        admin.close()
        with psycopg.connect(postgres_dsn(base), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# -- rebuild throughput ----------------------------------------------------------------------------


def rebuild(weeks: int, per_week: int, rounds: int, batch_size: int) -> dict[str, Any]:
    codec = AvroCodec(SchemaCatalog.load())
    with scratch() as fresh:
        settings = fresh.with_overrides(consumer_batch_size=batch_size)
        started = time.perf_counter()
        events, applications = fill_topics(settings, codec, weeks, per_week)
        fill_seconds = time.perf_counter() - started
        runs = []
        for n in range(rounds):
            bare = rate(bare_read(settings, events))
            feed = rate(feed_read(settings, codec, events, f"r{n}"))
            tower = rate(tower_rebuild(settings, codec, events, f"r{n}"))
            runs.append(
                {
                    "bare": round(bare),
                    "feed": round(feed),
                    "tower": round(tower),
                    "ratio": round(tower / bare, 3),
                    "feed_ratio": round(feed / bare, 3),
                }
            )
        profile = cProfile.Profile()
        tower_rebuild(settings, codec, events, "profiled", profile)
    ratio = statistics.median(r["ratio"] for r in runs)
    return {
        "events": events,
        "applications": applications,
        "partitions": PARTITIONS,
        "batch_size": batch_size,
        "fill_seconds": round(fill_seconds, 1),
        "runs": runs,
        "median_ratio": ratio,
        "target": 0.5,
        "met": ratio >= 0.5,
        "profile": top_functions(profile, 22),
    }


def rate(measured: tuple[int, float]) -> float:
    events, seconds = measured
    return events / seconds


def fill_topics(settings: Settings, codec: AvroCodec, weeks: int, per_week: int) -> tuple[int, int]:
    """A seeded history through the real commands (SQLite stores: generating is not what we measure),
    published by the services' own relays."""
    local = settings.with_overrides(mode="embedded")
    clock = ManualClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
    intake = build_intake(local, codec=codec, clock=clock)
    decision = build_decision(local, codec=codec, clock=clock)
    consumer = build_decision_consumer(decision, local, codec=codec, intake_log=intake.recorder)

    def settle() -> None:
        consumer.run_until_caught_up()

    stats = generate_history(
        intake,
        decision,
        clock,
        settle,
        weeks=weeks,
        applications_per_week=per_week,
        seed=5,
    )
    with make_producer(settings, client_id="bench-fill") as producer:
        events = build_intake_relay(intake, local, codec=codec, producer=producer).publish_pending()
        events += build_decision_relay(decision, local, codec=codec, producer=producer).publish_pending()
    intake.close()
    decision.close()
    return events, stats.applications


def bare_read(settings: Settings, events: int) -> tuple[int, float]:
    """The ceiling: a bare consumer with the tower's batch size reading every partition to the end."""
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=None,
        enable_auto_commit=False,
        max_poll_records=settings.consumer_batch_size,
    )
    partitions = [
        TopicPartition(spec.name, p)
        for spec in declared_topics(PARTITIONS, prefix=settings.topic_prefix)
        for p in range(PARTITIONS)
    ]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    first = 0
    while not first:
        first = sum(len(b) for b in consumer.poll(timeout_ms=1000).values())
    read, started = first, time.perf_counter()
    while read < events:
        read += sum(len(b) for b in consumer.poll(timeout_ms=1000).values())
    seconds = time.perf_counter() - started
    consumer.close()
    return read - first, seconds


def feed_read(settings: Settings, codec: AvroCodec, events: int, run: str) -> tuple[int, float]:
    """The tower's feed alone: its consumer group, Kafka fetch and envelope decoding, no store."""
    store = build_view(f"tower_bench_feed_{run}", settings, SQLiteWorkloadStore, PostgresWorkloadStore)
    feed = KafkaTopicsFeed(
        upstreams={s.name: s.producer for s in declared_topics(PARTITIONS, prefix=settings.topic_prefix)},
        consumer_factory=lambda: make_consumer(
            settings, group_id=f"{settings.topic_prefix}feed-{run}", client_id=f"feed-{run}"
        ),
        codec=codec,
        hints=OffsetHints(store),
    )
    batch = settings.consumer_batch_size
    first = 0
    while not first:
        first = len(feed.poll(batch, 1.0))
    read, started = first, time.perf_counter()
    while read < events:
        read += len(feed.poll(batch, 1.0))
    seconds = time.perf_counter() - started
    feed.close()
    return read - first, seconds


def tower_rebuild(
    settings: Settings, codec: AvroCodec, events: int, run: str, profile: cProfile.Profile | None = None
) -> tuple[int, float]:
    """The tower's own consumer into a fresh schema, as a rebuild does, until every event was applied."""
    store = build_view(f"tower_bench_{run}", settings, SQLiteWorkloadStore, PostgresWorkloadStore)
    (consumer,) = build_tower_consumers(
        store, settings, codec=codec, group_id=f"{settings.topic_prefix}rebuild-{run}", client_id=run
    )
    first = 0
    while not first:  # joins the group and reads its first batch
        first = consumer.step(timeout=1.0)
    read, started = first, time.perf_counter()
    if profile is not None:
        profile.enable()
    while read < events:
        read += consumer.step(timeout=1.0)
    if profile is not None:
        profile.disable()
    seconds = time.perf_counter() - started
    consumer.feed.close()
    applied = sum(store.event_counts().values())
    if applied != events:
        raise RuntimeError(f"the rebuild applied {applied} events of {events}")
    return read - first, seconds


def top_functions(profile: cProfile.Profile, count: int) -> list[dict[str, Any]]:
    stats = pstats.Stats(profile, stream=io.StringIO())
    rows = []
    for (file, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = file.split("site-packages/")[-1].replace(str(Path.cwd()) + "/", "")
        rows.append(
            {"function": f"{where}:{line}({name})", "calls": calls, "own_s": own, "cum_s": cumulative}
        )
    rows.sort(key=lambda r: -r["cum_s"])
    return [{**r, "own_s": round(r["own_s"], 3), "cum_s": round(r["cum_s"], 3)} for r in rows[:count]]


def rebuild_markdown(f: dict[str, Any]) -> str:
    lines = [
        f"Tower rebuild: {f['events']} events ({f['applications']} applications), {f['partitions']} "
        f"partitions per topic, {f['batch_size']} records per poll; filled in {f['fill_seconds']} s",
        "",
        "| round | bare KafkaConsumer events/s | tower feed alone events/s | tower rebuild events/s "
        "| rebuild / bare | feed / bare |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {n + 1} | {r['bare']:,} | {r['feed']:,} | {r['tower']:,} | {r['ratio']} "
            f"| {r['feed_ratio']} |"
            for n, r in enumerate(f["runs"])
        ),
        "",
        f"median ratio **{f['median_ratio']}** (target >= {f['target']}: "
        f"{'met' if f['met'] else 'NOT met'})",
        "",
        "| profiled rebuild: function | calls | own s | cumulative s |",
        "|---|---:|---:|---:|",
        *(f"| `{p['function']}` | {p['calls']} | {p['own_s']} | {p['cum_s']} |" for p in f["profile"]),
    ]
    return "\n".join(lines)


# -- freshness ---------------------------------------------------------------------------------------


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

    def submit_application(self, data: dict[str, Any]) -> UUID:
        self.pacer.wait()
        return self.intake.submit_application(data)

    def pay_fee(self, application_id: UUID, data: dict[str, Any]) -> None:
        self.pacer.wait()
        self.intake.pay_fee(application_id, data)

    def notify_defect(self, application_id: UUID, data: dict[str, Any]) -> None:
        self.pacer.wait()
        self.intake.notify_defect(application_id, data)

    def remedy_defect(self, application_id: UUID, data: dict[str, Any]) -> None:
        self.pacer.wait()
        self.intake.remedy_defect(application_id, data)

    def classify_application(self, application_id: UUID, data: dict[str, Any]) -> None:
        self.pacer.wait()
        self.intake.classify_application(application_id, data)

    def accept_application(self, application_id: UUID) -> None:
        self.pacer.wait()
        self.intake.accept_application(application_id)


def freshness(rate: int, warm_up: float, seconds: float, drivers: int, source: str) -> dict[str, Any]:
    """``source`` intake: the whole path (intake commands, outbox relay, Kafka, tower). ``source`` kafka:
    the tower alone at the rate, fed by a paced producer of generated intake events stamped as recorded
    when sent (what the tower sees of a faster intake than this machine can run)."""
    codec = AvroCodec(SchemaCatalog.load())
    with scratch() as settings:
        intake = build_intake(settings, codec=codec, clock=SystemClock())  # creates intake's schema
        logs = settings.data_dir
        latencies = logs / "latencies.txt"
        wanted = round(rate * (warm_up + seconds)) + rate
        prepared = prepared_events(settings, codec, wanted) if source == "kafka" else []
        env = {
            **os.environ,
            "BACKBONE_MODE": "distributed",
            "BACKBONE_POSTGRES_DBNAME": settings.postgres_dbname,
            "BACKBONE_TOPIC_PREFIX": settings.topic_prefix,
            "BACKBONE_TOPIC_PARTITIONS": str(PARTITIONS),
            "BACKBONE_LOG_FORMAT": "json",
        }
        command = [sys.executable, "-m", "bench.tower", "--worker-latencies", str(latencies)]
        processes = [subprocess.Popen(command, env=env, stderr=(logs / "tower.log").open("w"))]
        if source == "intake":
            relay = [sys.executable, "-m", "backbone.cli.main", "run", "intake"]
            processes.append(subprocess.Popen(relay, env=env, stderr=(logs / "relay.log").open("w")))
        try:
            wait_for(lambda: latencies.exists(), 60, "the tower worker joined its group", logs)
            if source == "intake":
                started, lag = drive(settings, rate, warm_up + seconds, drivers)
                recorded = count_events(intake)
            else:
                started, lag, recorded = send_paced(settings, codec, prepared, rate, warm_up + seconds)
            wait_for(lambda: lines(latencies) >= recorded, 120, "the tower applied every event", logs)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
        intake.close()
        samples = [tuple(map(float, line.split())) for line in latencies.read_text().splitlines()[1:]]
    window = [
        applied - at for at, applied in samples if started + warm_up <= at < started + warm_up + seconds
    ]
    return {
        "source": source,
        "target_events_per_second": rate,
        "achieved_events_per_second": round(len(window) / seconds),
        "events_measured": len(window),
        "events_applied": len(samples),
        "events_recorded": recorded,
        "driver_processes": drivers if source == "intake" else 0,
        "driver_max_lag_s": round(lag, 3),
        "warm_up_s": warm_up,
        "measured_s": seconds,
        **percentiles(window),
    }


def prepared_events(settings: Settings, codec: AvroCodec, count: int) -> list[tuple[int, str, Any]]:
    """At least ``count`` intake events (notification id, schema, record), from sample applications
    through intake on a scratch SQLite store."""
    local = settings.with_overrides(mode="embedded")
    intake = build_intake(local, codec=codec, clock=SystemClock())
    today, batch = date.today(), 0
    while (intake.recorder.max_notification_id() or 0) < count:
        for application in sample_applications(200, seed=batch, today=today):
            run_sample(intake, application, accept=True, today=today)
        batch += 1
    notifications = intake.recorder.select_notifications(start=1, limit=count)
    intake.close()
    return [(n.id, n.topic, codec.decode_body(n.topic, n.state)) for n in notifications]


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


def drive(settings: Settings, rate: float, seconds: float, drivers: int) -> tuple[float, float]:
    """Intake commands from ``drivers`` processes (like intake's API workers), each with its own share of
    the schedule; returns when the load started and how far the drivers fell behind at worst."""
    spawn = multiprocessing.get_context("spawn")
    go, lag = spawn.Event(), spawn.Value("d", 0.0)
    start_at = spawn.Value("d", 0.0)
    processes = []
    for n in range(drivers):  # one after the other: building Intake concurrently races in its DDL
        ready = spawn.Event()
        process = spawn.Process(
            target=driver, args=(settings, rate / drivers, n, ready, go, start_at, seconds, lag)
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
    return float(start_at.value), float(lag.value)


def driver(
    settings: Settings,
    rate: float,
    n: int,
    ready: Any,
    go: Any,
    start_at: Any,
    seconds: float,
    lag: Any,
) -> None:
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
    intake.close()


def count_events(intake: Intake) -> int:
    recorder: Any = intake.recorder
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {recorder.datastore.schema}.{recorder.events_table_name}")
        row = cursor.fetchone()
    return int(next(iter(row.values())) if isinstance(row, dict) else row[0])


def lines(path: Path) -> int:
    with path.open() as file:
        return sum(1 for _ in file) - 1  # the first line says the worker is ready


def wait_for(condition: Any, seconds: float, what: str, logs: Path) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting until {what}; see the logs in {logs}")
        time.sleep(0.2)


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"p50_s": None, "p95_s": None, "p99_s": None, "max_s": None}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {"p50_s": at(0.50), "p95_s": at(0.95), "p99_s": at(0.99), "max_s": round(ordered[-1], 3)}


class TimedProjection:
    """The tower's projection, timing every item at the moment its transaction has committed."""

    def __init__(self, inner: Processor, out: Any) -> None:
        self.inner, self.out, self.name = inner, out, inner.name

    def max_position(self, stream: str) -> int | None:
        return self.inner.max_position(stream)

    def process(self, items: Sequence[FeedItem], tracking: Tracking) -> None:
        self.inner.process(items, tracking)  # returns after the store's commit
        committed = time.time()
        self.out.writelines(f"{i.envelope.recorded_at.timestamp()} {committed}\n" for i in items)
        self.out.flush()


def tower_worker(latencies: Path) -> None:
    """One tower consumer as a process of its own (what `backbone run tower` runs, minus the generation
    follow and the backlog line every 5 s), its projection timed."""
    settings = Settings.from_env("control_tower").with_overrides(mode="distributed")
    configure_logging(settings.log_format, settings.log_level)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    store = build_workload_store(settings)
    (consumer,) = build_tower_consumers(store, settings, codec=AvroCodec(SchemaCatalog.load()))
    feed: Any = consumer.feed
    with latencies.with_suffix(".tmp").open("w") as out:
        consumer.processor = TimedProjection(consumer.processor, out)
        while not feed.consumer.assignment():
            consumer.step(timeout=0.2)
        out.write("ready\n")
        out.flush()
        latencies.with_suffix(".tmp").rename(latencies)
        while not stop.is_set():
            consumer.step(timeout=0.2)
    feed.close()


def freshness_markdown(runs: list[dict[str, Any]]) -> str:
    return "\n".join(
        [
            "Freshness: intake recorded_at -> tower commit, per event",
            "",
            "| events from | target events/s | achieved events/s | events measured | p50 s | p95 s | p99 s "
            "| max s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            *(
                f"| {r['source']} | {r['target_events_per_second']} | {r['achieved_events_per_second']} | "
                f"{r['events_measured']} | {r['p50_s']} | {r['p95_s']} | {r['p99_s']} | {r['max_s']} |"
                for r in runs
            ),
        ]
    )


if __name__ == "__main__":
    main()
