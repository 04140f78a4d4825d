"""A full rebuild of the tower's views from the beginning of the streams, into a new generation, while
the live generation keeps serving; the rebuilt views are swapped in once they are written.

The rebuild reads each stream up to its head as it was when the rebuild started: intake's, decision's
and the legacy bridge's notification logs in embedded mode, every partition of their Kafka topics in
distributed mode (fixed offset ranges, no consumer group). It folds them in memory (``ViewFold``) and
writes every table of the new generation once, in one transaction with the streams' positions
(``BulkLoad``). With ``workers`` > 1 this process and worker processes take the partition numbers one
at a time (each one folded and loaded in a transaction of its own) until none is left; a case's events
are all in one partition number of every topic (the key is the case id), so they write disjoint rows.

The live processes follow the swap within about a second (see ``LiveViews``) and carry on from the new
generation's positions: what arrived after the rebuild started is applied by them, once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from backbone.codec import AvroCodec
from backbone.feeds.base import FeedItem, log_stream
from backbone.feeds.kafka_ranges import partition_ranges, read_ranges
from backbone.feeds.notification_log import NotificationLogFeed
from backbone.runtime import runtime_for
from backbone.settings import Settings
from backbone.stores import upstream_recorder
from services.control_tower.adapters.generations import ViewGenerations
from services.control_tower.adapters.live_views import SERVICE, build_tower_store
from services.control_tower.adapters.rebuild_workers import share_among_workers
from services.control_tower.rebuild_share import Progress, ShareReport, fold_and_load
from services.topics import TOWER_SOURCES, topic_of

LOG_PAGE = 5_000  # notifications read from a log at a time


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
        build_tower_store(settings, generation).datastore.close()  # creates the generation's tables
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
    """Embedded mode: every notification log the tower reads, up to its head now, into ``generation``."""
    logs = {upstream: upstream_recorder(upstream, settings) for upstream in TOWER_SOURCES}
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

    streams = [log_stream(upstream) for upstream in TOWER_SOURCES]
    return fold_and_load(settings, generation, streams, batches(), total, progress)


def _load_partitions(
    settings: Settings, codec: AvroCodec, generation: int, workers: int, progress: Progress | None
) -> list[ShareReport]:
    topics = {topic_of(u, settings.topic_partitions, settings.topic_prefix).name: u for u in TOWER_SOURCES}
    ranges = partition_ranges(settings, topics)
    if workers == 1:
        streams = [r.stream for r in ranges]
        batches = read_ranges(settings, codec, ranges, client_id=f"{SERVICE}-rebuild")
        total = sum(r.size for r in ranges)
        return [fold_and_load(settings, generation, streams, batches, total, progress)]
    return share_among_workers(settings, codec, generation, ranges, workers, progress)
