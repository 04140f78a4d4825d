"""A full rebuild of the tower's views from the beginning of the streams, into a new generation, while
the live generation keeps serving; the rebuilt views are swapped in once they are written.

The rebuild reads each stream up to its head as it was when the rebuild started: intake's and
decision's notification logs in embedded mode, every partition of their Kafka topics in distributed
mode (fixed offset ranges, no consumer group). It folds them in memory (``ViewFold``) and writes every
table of the new generation once, in one transaction with the streams' positions (``BulkLoad``). With
``workers`` > 1 this process and worker processes take the partition numbers one at a time (each one
folded and loaded in a transaction of its own) until none is left; a case's events are all in one
partition number of both topics (the key is the case id), so they write disjoint rows.

The live processes follow the swap within about a second (see ``LiveViews``) and carry on from the new
generation's positions: what arrived after the rebuild started is applied by them, once.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from typing import Any

from backbone.codec import AvroCodec
from backbone.feeds.base import FeedItem, log_stream
from backbone.feeds.kafka_ranges import PartitionRange, partition_ranges, read_ranges
from backbone.feeds.notification_log import NotificationLogFeed
from backbone.runtime import runtime_for
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from backbone.stores import upstream_recorder
from services.control_tower.adapters.generations import ViewGenerations
from services.control_tower.adapters.live_views import SERVICE, build_workload_store
from services.control_tower.projections.view_fold import ViewFold
from services.topics import PRODUCERS, topic_of

Progress = Callable[[int, int], None]
TIMELINE_CHUNK = 20_000  # timeline rows written while the fold goes on
LOG_PAGE = 5_000  # notifications read from a log at a time
REBUILD_GC_THRESHOLDS = (50_000, 20, 100)  # see fewer_collections


@dataclass(frozen=True)
class RebuildReport:
    generation: int  # the generation now live
    replaced: int  # the generation it replaced
    dropped: list[int]  # older generations deleted before the rebuild started
    events: int  # events read from the streams
    applied: int  # events applied (the rest were duplicates on the streams, skipped by tracking)
    seconds: float
    workers: int = 1  # processes that read the streams

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "events_per_second": round(self.events_per_second, 1)}


@dataclass(frozen=True)
class ShareReport:
    read: int
    folded: int


def rebuild_views(
    settings: Settings,
    *,
    codec: AvroCodec,
    progress: Progress | None = None,
    swap: bool = True,
    workers: int = 1,
) -> RebuildReport:
    """Rebuild every view into a new generation up to the streams' heads as they were when it started,
    then (``swap``) make it the live generation. In distributed mode ``workers`` > 1 shares the
    partitions between this process and ``workers`` - 1 worker processes."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    reads_topics = runtime_for(settings).publishes  # the topics when there are, else the logs
    if workers > 1 and not reads_topics:
        raise ValueError("parallel workers share Kafka partitions: distributed mode only")
    generations = ViewGenerations(settings)
    try:
        replaced = generations.live()
        dropped = generations.drop_unused(keep=replaced)
        generation = generations.start_next()
        build_workload_store(settings, generation).datastore.close()  # creates the generation's tables
        started = time.perf_counter()
        if reads_topics:
            shares = _load_partitions(settings, codec, generation, workers, progress)
        else:
            shares = [load_logs(settings, codec, generation, progress)]
        seconds = time.perf_counter() - started
        if swap:
            generations.swap_in(generation)
        return RebuildReport(
            generation=generation if swap else replaced,
            replaced=replaced if swap else generation,
            dropped=dropped,
            events=sum(share.read for share in shares),
            applied=sum(share.folded for share in shares),
            seconds=round(seconds, 3),
            workers=workers,
        )
    finally:
        generations.close()


def load_logs(
    settings: Settings, codec: AvroCodec, generation: int, progress: Progress | None
) -> ShareReport:
    """Embedded mode: both notification logs up to their heads now, into ``generation``."""
    logs = {upstream: upstream_recorder(upstream, settings) for upstream in PRODUCERS}
    heads = {upstream: recorder.max_notification_id() or 0 for upstream, recorder in logs.items()}
    total = sum(heads.values())

    def batches() -> Iterator[list[FeedItem]]:
        for upstream, recorder in logs.items():
            feed = NotificationLogFeed(
                upstream=upstream, recorder=recorder, codec=codec, positions=lambda _: None
            )
            while items := feed.poll(LOG_PAGE, 0):
                fresh = [item for item in items if item.position <= heads[upstream]]
                if fresh:
                    yield fresh
                if len(fresh) < len(items):
                    break

    streams = [log_stream(upstream) for upstream in PRODUCERS]
    return _fold_and_load(settings, generation, streams, batches(), total, progress)


def _load_partitions(
    settings: Settings, codec: AvroCodec, generation: int, workers: int, progress: Progress | None
) -> list[ShareReport]:
    topics = {topic_of(u, settings.topic_partitions, settings.topic_prefix).name: u for u in PRODUCERS}
    ranges = partition_ranges(settings, topics)
    if workers == 1:
        streams = [r.stream for r in ranges]
        batches = read_ranges(settings, codec, ranges, client_id=f"{SERVICE}-rebuild")
        total = sum(r.size for r in ranges)
        return [_fold_and_load(settings, generation, streams, batches, total, progress)]
    units = partition_units(ranges)
    workers = min(workers, len(units))  # no more processes than units
    total = sum(r.size for r in ranges)
    context = get_context("spawn")  # no fork of a process that holds Kafka and database connections
    shared = _Shared(context.Value("i", 0), context.Array("q", len(units), lock=False))

    def report() -> None:
        if progress is not None:
            progress(min(total, sum(shared.read)), total)

    environment = settings.as_environment()
    with ProcessPoolExecutor(
        workers - 1, mp_context=context, initializer=_share_state, initargs=(shared,)
    ) as pool:  # worker processes take units as they come; this process takes them meanwhile
        futures = [pool.submit(take_units, environment, generation, units) for _ in range(workers - 1)]
        reports = _take_units(settings, codec, generation, units, shared, report)
        while not all(future.done() for future in futures):
            report()
            time.sleep(0.2)
        for future in futures:
            reports += future.result()  # a worker's error is raised here
    if progress is not None:
        progress(total, total)
    return reports


def partition_units(ranges: list[PartitionRange]) -> list[list[PartitionRange]]:
    """The rebuild's units of work: per partition number, that partition of every topic (a case's events
    are all in partition n of each topic), the largest first so the last units taken are small."""
    counts = {r.topic: 0 for r in ranges}
    for r in ranges:
        counts[r.topic] += 1
    if len(set(counts.values())) > 1:
        raise ValueError(
            f"the topics have different partition counts ({counts}): a case's events would be in "
            "different partition numbers, so the partitions cannot be shared between workers"
        )
    sizes: dict[int, int] = {}
    for r in ranges:
        sizes[r.partition] = sizes.get(r.partition, 0) + r.size
    order = sorted(sizes, key=lambda p: (-sizes[p], p))
    return [[r for r in ranges if r.partition == number] for number in order]


@dataclass(frozen=True)
class _Shared:
    """Between a rebuild's processes: the next unit to take, and the events read of each unit."""

    next_unit: Any  # multiprocessing Value("i")
    read: Any  # multiprocessing Array("q"), one per unit


_shared: _Shared | None = None


def _share_state(shared: _Shared) -> None:
    global _shared
    _shared = shared


def take_units(
    environment: dict[str, str], generation: int, units: list[list[PartitionRange]]
) -> list[ShareReport]:
    """A worker process: units (all topics' partition n) into ``generation`` until none is left."""
    if _shared is None:
        raise RuntimeError("take_units runs in a rebuild's worker process")
    settings = Settings.from_env(SERVICE, environment)
    return _take_units(settings, AvroCodec(SchemaCatalog.load()), generation, units, _shared, None)


def _take_units(
    settings: Settings,
    codec: AvroCodec,
    generation: int,
    units: list[list[PartitionRange]],
    shared: _Shared,
    report: Callable[[], None] | None,
) -> list[ShareReport]:
    """Take the next unit nobody has taken, fold and load it, and again: a process that starts late or
    runs slow takes fewer, so all finish at about the same time."""
    reports: list[ShareReport] = []
    while True:
        with shared.next_unit.get_lock():
            number = shared.next_unit.value
            shared.next_unit.value += 1
        if number >= len(units):
            return reports
        unit = units[number]

        def progress(reached: int, _total: int, number: int = number) -> None:
            shared.read[number] = reached
            if report is not None:
                report()

        batches = read_ranges(settings, codec, unit, client_id=f"{SERVICE}-rebuild-p{unit[0].partition}")
        streams = [r.stream for r in unit]
        size = sum(r.size for r in unit)
        reports.append(_fold_and_load(settings, generation, streams, batches, size, progress))


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cyclic garbage collector, run less often while a fold builds up its rows.

    A fold allocates a few dozen objects per event (decoded records, datetimes, rows) and keeps most of
    them; with the default thresholds the collector ran every 700 allocations and rescanned the growing
    rows, about a fifth of the rebuild's time. Reference counting still frees everything at once; only
    the search for cycles waits longer. The thresholds are restored afterwards.
    """
    before = gc.get_threshold()
    gc.set_threshold(*REBUILD_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _fold_and_load(
    settings: Settings,
    generation: int,
    streams: list[str],
    batches: Iterable[list[FeedItem]],
    total: int,
    progress: Progress | None,
) -> ShareReport:
    store = build_workload_store(settings, generation)
    fold = ViewFold()
    read = 0
    with closing(store.datastore), fewer_collections(), store.bulk_load(streams) as load:
        if progress is not None:
            progress(0, total)
        for items in batches:
            fold.add(items)
            read += len(items)
            if fold.timeline_pending >= TIMELINE_CHUNK:
                load.timeline(fold.take_timeline())
            if progress is not None:
                progress(min(read, total), total)
        load.timeline(fold.take_timeline())
        load.finish(fold.rows())
    return ShareReport(read=read, folded=fold.folded)
