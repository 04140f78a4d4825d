"""A full rebuild of the tower's views from the beginning of the streams, into a new generation, while
the live generation keeps serving; the rebuilt views are swapped in once they have caught up.

Embedded mode reads intake's and decision's notification logs; distributed mode reads their Kafka topics
with a consumer group of its own (the live tower's group is not disturbed). The live processes follow the
swap within about a second (see ``LiveViews``) and carry on from the new generation's tracked positions.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from threading import Event
from typing import Any

from kafka import TopicPartition

from backbone.codec import AvroCodec
from backbone.consumer import TrackedConsumer
from backbone.feeds.base import log_stream, partition_stream
from backbone.feeds.offset_hints import hint_name
from backbone.kafka_clients import make_consumer
from backbone.settings import Settings
from backbone.stores import upstream_recorder
from infra.topics import topic_of
from services.control_tower.adapters.generations import ViewGenerations
from services.control_tower.bootstrap import (
    SERVICE,
    UPSTREAMS,
    Store,
    build_tower_consumers,
    build_workload_store,
)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RebuildReport:
    generation: int  # the generation now live
    replaced: int  # the generation it replaced
    dropped: list[int]  # older generations deleted before the rebuild started
    events: int  # events read from the streams
    applied: int  # events applied (the rest were duplicates on the streams, skipped by tracking)
    seconds: float

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
    then (``swap``) make it the live generation. In distributed mode ``workers`` > 1 starts that many
    consumers in the rebuild's group in all (this process and worker processes), which share the
    partitions between them."""
    if workers > 1 and settings.mode == "embedded":
        raise ValueError("parallel workers read Kafka partitions: distributed mode only")
    generations = ViewGenerations(settings)
    try:
        replaced = generations.live()
        dropped = generations.drop_unused(keep=replaced)
        generation = generations.start_next()
        store = build_workload_store(settings, generation)
        started = time.perf_counter()
        helpers: list[subprocess.Popen[bytes]] = []
        if settings.mode == "embedded":
            consumers, done, total = _from_logs(store, settings, codec)
        else:
            group = f"{settings.topic_prefix}{SERVICE}-rebuild-g{generation}-{int(time.time())}"
            consumers, done, total = _from_kafka(store, settings, codec, group)
            helpers = [_start_worker(settings, generation, group, n) for n in range(2, workers + 1)]
        # A log feed answers at once; a Kafka consumer needs time in poll() to join its group and fetch
        # (polled with no time at all it never settles, and the feed's watchdog restarts it).
        poll_timeout = 0.0 if settings.mode == "embedded" else 0.2
        try:
            reported = -1
            while (reached := done()) < total:
                if progress is not None and reached != reported:
                    progress(reached, total)
                    reported = reached
                if not sum(consumer.step(timeout=poll_timeout) for consumer in consumers):
                    time.sleep(0.02)  # the logs have nothing more yet, or the workers hold the partitions
            if progress is not None:
                progress(total, total)
        finally:
            for consumer in consumers:
                consumer.feed.close()
            _stop_workers(helpers)
        seconds = time.perf_counter() - started
        if swap:
            generations.swap_in(generation)
        return RebuildReport(
            generation=generation if swap else replaced,
            replaced=replaced if swap else generation,
            dropped=dropped,
            events=total if helpers else sum(c.stats.applied + c.stats.skipped for c in consumers),
            applied=sum(store.event_counts().values()),
            seconds=round(seconds, 3),
        )
    finally:
        generations.close()


def run_worker(settings: Settings, *, codec: AvroCodec, generation: int, group: str, stop: Event) -> None:
    """One more consumer in a rebuild's group, applying into its generation until told to stop."""
    store = build_workload_store(settings, generation)
    consumers = build_tower_consumers(
        store, settings, codec=codec, group_id=group, client_id=f"{SERVICE}-rebuild-worker"
    )
    try:
        while not stop.is_set():
            for consumer in consumers:
                consumer.step(timeout=0.2)
    finally:
        for consumer in consumers:
            consumer.feed.close()


def _start_worker(settings: Settings, generation: int, group: str, number: int) -> subprocess.Popen[bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONTROL_TOWER_")}
    environment.update(settings.as_environment(), BACKBONE_LOG_FORMAT="json")
    log = (settings.data_dir / f"rebuild-g{generation}-worker{number}.log").open("wb")
    command = [sys.executable, "-m", "backbone.cli.main", "tower", "rebuild"]
    command += ["--worker-for", str(generation), "--group", group]
    return subprocess.Popen(command, env=environment, stdout=log, stderr=log)


def _stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()


def _from_logs(
    store: Store, settings: Settings, codec: AvroCodec
) -> tuple[list[TrackedConsumer], Callable[[], int], int]:
    """Consumers of the upstream notification logs; progress is the sum of the positions reached."""
    logs = {upstream: upstream_recorder(upstream, settings) for upstream in UPSTREAMS}
    heads = {log_stream(u): recorder.max_notification_id() or 0 for u, recorder in logs.items()}
    consumers = build_tower_consumers(store, settings, codec=codec, logs=logs)

    def done() -> int:
        return sum(min(store.max_tracking_id(stream) or 0, head) for stream, head in heads.items())

    return consumers, done, sum(heads.values())


def _from_kafka(
    store: Store, settings: Settings, codec: AvroCodec, group: str
) -> tuple[list[TrackedConsumer], Callable[[], int], int]:
    """A consumer of both topics in the rebuild's own group; progress is, per partition, the offset
    reached (the hint every consumer of the group records in the store after each batch) against the
    partition's range when the rebuild started."""
    consumers = build_tower_consumers(
        store, settings, codec=codec, group_id=group, client_id=f"{SERVICE}-rebuild"
    )
    ranges = _partition_ranges(settings)

    def done() -> int:
        positions = store.positions()  # one query for every partition's hint
        reached = 0
        for stream, (beginning, end) in ranges.items():
            last = positions.get(hint_name(stream))
            reached += 0 if last is None else max(0, min(end, last + 1) - beginning)
        return reached

    return consumers, done, sum(end - beginning for beginning, end in ranges.values())


def _partition_ranges(settings: Settings) -> dict[str, tuple[int, int]]:
    """Per partition stream: its beginning and end offsets now."""
    probe = make_consumer(settings, group_id=None, client_id=f"{SERVICE}-rebuild-probe")
    topics = {topic_of(u, settings.topic_partitions, settings.topic_prefix).name: u for u in UPSTREAMS}
    try:
        partitions = [
            TopicPartition(name, p)
            for name in topics
            for p in sorted(probe.partitions_for_topic(name) or ())
        ]
        ends = probe.end_offsets(partitions)
        beginnings = probe.beginning_offsets(partitions)
        return {
            partition_stream(topics[tp.topic], tp.partition): (beginnings[tp], ends[tp])
            for tp in partitions
        }
    finally:
        probe.close(autocommit=False)
