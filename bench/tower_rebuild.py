"""Rebuild throughput: per round, a bare KafkaConsumer (with Python's default garbage collection and with
the rebuild's; the higher is the ceiling), the tower's rebuild (one process, then two workers), the same
projection written as a Quix Streams application (``bench/quix_peer.py``: with Quix's default changelog
topics, then without; its tables must equal those the 2-worker rebuild left live) and the live tower's
tracked consumer read the same generated history to the end; one more rebuild and one more Quix run go
under cProfile. The Quix peer is skipped, with the reason printed, only if quixstreams cannot be
imported (it is in the ``bench`` extra)."""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
import warnings
from pathlib import Path
from typing import Any

from kafka import TopicPartition

from backbone.codec import AvroCodec
from backbone.kafka_clients import make_reader
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from backbone.stores import build_view
from bench.scratch import PARTITIONS, scratch
from bench.tower_history import fill_topics
from composition.parts import build_tower_consumers
from services.control_tower.adapters.live_views import build_tower_store
from services.control_tower.adapters.tower_store import PostgresTowerStore, SQLiteTowerStore
from services.control_tower.rebuild import rebuild_views
from services.control_tower.rebuild_share import fewer_collections
from services.topics import declared_topics


def rebuild(weeks: int, per_week: int, rounds: int, batch_size: int) -> dict[str, Any]:
    codec = AvroCodec(SchemaCatalog.load())
    skipped = quix_missing()
    if skipped:
        print(skipped)
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
            peer = {} if skipped else quix_figures(settings, codec, events, two)
            tracked = events_per_second(tracked_catch_up(settings, codec, events, f"r{n}"))
            runs.append(
                {
                    "bare": round(bare),
                    "bare_default_gc": round(bare_default),
                    "bare_rebuild_gc": round(bare_tuned),
                    "rebuild": round(one),
                    "rebuild_2_workers": round(two),
                    **peer,
                    "tracked": round(tracked),
                    "ratio": round(one / bare, 3),
                    "ratio_2_workers": round(two / bare, 3),
                    "tracked_ratio": round(tracked / bare, 3),
                }
            )
        profile = cProfile.Profile()
        tower_rebuild(settings, codec, events, workers=1, profile=profile)
        quix_profile = None if skipped else profiled_quix_run(settings, codec, events)
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
        **quix_summary(runs, skipped, quix_profile),
    }


def quix_missing() -> str | None:
    """Why the Quix Streams peer cannot run here, or None when it can."""
    try:
        with warnings.catch_warnings(record=True):  # authlib, which confluent-kafka imports, warns always
            import quixstreams  # noqa: F401
    except ImportError as error:
        return f"Quix Streams peer skipped: {error} (pip install -e '.[bench]' installs it)"
    return None


def quix_figures(settings: Settings, codec: AvroCodec, events: int, two_workers: float) -> dict[str, Any]:
    """The peer with Quix's defaults (a changelog topic behind its state) and without changelog topics,
    each checked to have written the tables the 2-worker rebuild just made live."""
    from bench.quix_peer import quix_rebuild  # needs quixstreams
    from bench.quix_tables import differences_from_live

    figures: dict[str, Any] = {}
    for name, changelog in (("quix", True), ("quix_no_changelog", False)):
        rate = events_per_second(quix_rebuild(settings, codec, events, changelog=changelog))
        differences = differences_from_live(settings)
        if differences:
            raise RuntimeError(f"the Quix peer's views differ from the rebuild's: {differences}")
        figures[name] = round(rate)
        figures[f"ratio_to_{name}"] = round(two_workers / rate, 3)
    return figures


def profiled_quix_run(settings: Settings, codec: AvroCodec, events: int) -> list[dict[str, Any]]:
    """The peer with Quix's defaults under cProfile: its main thread's functions by own time (the
    cumulative times are one deep chain of Quix's wrappers)."""
    from bench.quix_peer import quix_rebuild  # needs quixstreams

    profile = cProfile.Profile()
    quix_rebuild(settings, codec, events, profile=profile)
    return top_functions(profile, 22, by="own_s")


def quix_summary(
    runs: list[dict[str, Any]], skipped: str | None, profile: list[dict[str, Any]] | None
) -> dict[str, Any]:
    if skipped:
        return {"quix_skipped": skipped}
    return {
        "median_ratio_to_quix": statistics.median(r["ratio_to_quix"] for r in runs),
        "median_ratio_to_quix_no_changelog": statistics.median(
            r["ratio_to_quix_no_changelog"] for r in runs
        ),
        "ahead_of_quix": all(r["ratio_to_quix_no_changelog"] > 1 and r["ratio_to_quix"] > 1 for r in runs),
        "quix_profile": profile,
    }


def peer_markdown(f: dict[str, Any]) -> str:
    """The Quix peer's figures, for ``bench.tower``'s report."""
    if "quix_skipped" in f:
        return str(f["quix_skipped"])
    return "\n".join(
        [
            "| round | rebuild, 2 workers events/s | Quix peer events/s | Quix, no changelog events/s "
            "| 2 workers / Quix | 2 workers / Quix, no changelog |",
            "|---|---:|---:|---:|---:|---:|",
            *(
                f"| {n + 1} | {r['rebuild_2_workers']:,} | {r['quix']:,} | {r['quix_no_changelog']:,} "
                f"| {r['ratio_to_quix']} | {r['ratio_to_quix_no_changelog']} |"
                for n, r in enumerate(f["runs"])
            ),
            "",
            f"median **{f['median_ratio_to_quix']}** times the Quix peer, "
            f"**{f['median_ratio_to_quix_no_changelog']}** times it without changelog topics "
            f"(target > 1 in every round: {'met' if f['ahead_of_quix'] else 'not met'})",
            "",
            "| profiled Quix peer: function | calls | own s | cumulative s |",
            "|---|---:|---:|---:|",
            *(
                f"| `{p['function']}` | {p['calls']} | {p['own_s']} | {p['cum_s']} |"
                for p in f["quix_profile"]
            ),
        ]
    )


def events_per_second(measured: tuple[int, float]) -> float:
    events, seconds = measured
    return events / seconds


def bare_read(settings: Settings, events: int) -> tuple[int, float]:
    """The ceiling: a bare consumer reading every partition to the end, timed from its construction (as
    the rebuild is) to the last record."""
    started = time.perf_counter()
    consumer = make_reader(settings, client_id="bench-bare", max_poll_records=settings.consumer_batch_size)
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
    applied = sum(build_tower_store(settings).event_counts().values())
    if report.events != events or applied != events:
        raise RuntimeError(f"the rebuild read {report.events} and applied {applied} events of {events}")
    return report.events, report.seconds


def tracked_catch_up(settings: Settings, codec: AvroCodec, events: int, run: str) -> tuple[int, float]:
    """For comparison, the live tower's tracked consumer (batch by batch, each batch one transaction)
    into a fresh schema: how a tower process catches up, e.g. after a long stop."""
    store = build_view(f"tower_bench_{run}", settings, SQLiteTowerStore, PostgresTowerStore)
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


def top_functions(profile: cProfile.Profile, count: int, by: str = "cum_s") -> list[dict[str, Any]]:
    stats = pstats.Stats(profile, stream=io.StringIO())
    rows = []
    for (file, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = file.split("site-packages/")[-1].replace(str(Path.cwd()) + "/", "")
        rows.append(
            {"function": f"{where}:{line}({name})", "calls": calls, "own_s": own, "cum_s": cumulative}
        )
    rows.sort(key=lambda r: -r[by])
    return [{**r, "own_s": round(r["own_s"], 3), "cum_s": round(r["cum_s"], 3)} for r in rows[:count]]
