"""Rebuild throughput: per round, a bare KafkaConsumer (with Python's default garbage collection and with
the rebuild's; the higher is the ceiling), the tower's rebuild (one process, then two workers) and the
live tower's tracked consumer read the same generated history to the end; one more rebuild runs under
cProfile."""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from backbone.codec import AvroCodec
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from backbone.stores import build_view
from bench.scratch import PARTITIONS, scratch
from bench.tower_history import fill_topics
from infra.topics import declared_topics
from services.control_tower.adapters.workload_store import PostgresWorkloadStore, SQLiteWorkloadStore
from services.control_tower.bootstrap import build_tower_consumers, build_workload_store
from services.control_tower.rebuild import fewer_collections, rebuild_views


def rebuild(weeks: int, per_week: int, rounds: int, batch_size: int) -> dict[str, Any]:
    codec = AvroCodec(SchemaCatalog.load())
    with scratch() as fresh:
        settings = fresh.with_overrides(consumer_batch_size=batch_size)
        started = time.perf_counter()
        events, applications = fill_topics(settings, codec, weeks, per_week)
        if events <= 2 * batch_size:  # the tracked consumer's first batch (the group join) is not timed
            raise SystemExit(
                f"{events} events is too few to time with batches of {batch_size}: "
                "more --weeks or --applications-per-week, or a smaller --batch-size"
            )
        fill_seconds = time.perf_counter() - started
        runs = []
        for n in range(rounds):
            bare_default = events_per_second(bare_read(settings, events))
            with fewer_collections():  # the rebuild's GC settings, so the ceiling is the higher of both
                bare_tuned = events_per_second(bare_read(settings, events))
            bare = max(bare_default, bare_tuned)
            one = events_per_second(tower_rebuild(settings, codec, events, workers=1))
            two = events_per_second(tower_rebuild(settings, codec, events, workers=2))
            tracked = events_per_second(tracked_catch_up(settings, codec, events, f"r{n}"))
            runs.append(
                {
                    "bare": round(bare),
                    "bare_default_gc": round(bare_default),
                    "bare_rebuild_gc": round(bare_tuned),
                    "rebuild": round(one),
                    "rebuild_2_workers": round(two),
                    "tracked": round(tracked),
                    "ratio": round(one / bare, 3),
                    "ratio_2_workers": round(two / bare, 3),
                    "tracked_ratio": round(tracked / bare, 3),
                }
            )
        profile = cProfile.Profile()
        tower_rebuild(settings, codec, events, workers=1, profile=profile)
    ratio = statistics.median(r["ratio"] for r in runs)
    return {
        "events": events,
        "applications": applications,
        "partitions": PARTITIONS,
        "batch_size": batch_size,
        "fill_seconds": round(fill_seconds, 1),
        "runs": runs,
        "median_ratio": ratio,
        "median_ratio_2_workers": statistics.median(r["ratio_2_workers"] for r in runs),
        "target": 0.5,
        "met_in_one_process": ratio >= 0.5,
        "met_with_2_workers": statistics.median(r["ratio_2_workers"] for r in runs) >= 0.5,
        "profile": top_functions(profile, 22),
    }


def events_per_second(measured: tuple[int, float]) -> float:
    events, seconds = measured
    return events / seconds


def bare_read(settings: Settings, events: int) -> tuple[int, float]:
    """The ceiling: a bare consumer reading every partition to the end, timed from its construction (as
    the rebuild is) to the last record."""
    started = time.perf_counter()
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
    read = 0
    while read < events:
        read += sum(len(b) for b in consumer.poll(timeout_ms=1000).values())
    seconds = time.perf_counter() - started
    consumer.close()
    return read, seconds


def tower_rebuild(
    settings: Settings,
    codec: AvroCodec,
    events: int,
    *,
    workers: int,
    profile: cProfile.Profile | None = None,
) -> tuple[int, float]:
    """``backbone tower rebuild``'s own path: every partition folded and loaded into a new generation
    (a PostgreSQL schema), timed from the offset probe to the commit; the views must count every event."""
    if profile is not None:
        profile.enable()
    report = rebuild_views(settings, codec=codec, workers=workers, swap=True)
    if profile is not None:
        profile.disable()
    applied = sum(build_workload_store(settings).event_counts().values())
    if report.events != events or applied != events:
        raise RuntimeError(f"the rebuild read {report.events} and applied {applied} events of {events}")
    return report.events, report.seconds


def tracked_catch_up(settings: Settings, codec: AvroCodec, events: int, run: str) -> tuple[int, float]:
    """For comparison, the live tower's tracked consumer (batch by batch, each batch one transaction)
    into a fresh schema: how a tower process catches up, e.g. after a long stop."""
    store = build_view(f"tower_bench_{run}", settings, SQLiteWorkloadStore, PostgresWorkloadStore)
    (consumer,) = build_tower_consumers(
        store, settings, codec=codec, group_id=f"{settings.topic_prefix}rebuild-{run}", client_id=run
    )
    first = 0
    while not first:  # joins the group and reads its first batch
        first = consumer.step(timeout=1.0)
    read, started = first, time.perf_counter()
    while read < events:
        read += consumer.step(timeout=1.0)
    seconds = time.perf_counter() - started
    consumer.feed.close()
    applied = sum(store.event_counts().values())
    if applied != events:
        raise RuntimeError(f"the tracked consumer applied {applied} events of {events}")
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
