"""A full rebuild of the tower's views from the beginning of the streams, into a new generation, while
the live generation keeps serving; the rebuilt views are swapped in once they have caught up.

Embedded mode reads intake's and decision's notification logs; distributed mode reads their Kafka topics
with a consumer group of its own (the live tower's group is not disturbed). The live processes follow the
swap within about a second (see ``LiveViews``) and carry on from the new generation's tracked positions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from kafka import TopicPartition

from backbone.codec import AvroCodec
from backbone.consumer import TrackedConsumer
from backbone.feeds.base import log_stream
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
) -> RebuildReport:
    """Rebuild every view into a new generation up to the streams' heads as they were when it started,
    then (``swap``) make it the live generation."""
    generations = ViewGenerations(settings)
    try:
        replaced = generations.live()
        dropped = generations.drop_unused(keep=replaced)
        generation = generations.start_next()
        store = build_workload_store(settings, generation)
        started = time.perf_counter()
        if settings.mode == "embedded":
            consumers, done, total = _from_logs(store, settings, codec)
        else:
            consumers, done, total = _from_kafka(store, settings, codec, generation)
        try:
            while done() < total:
                moved = sum(consumer.step(timeout=0) for consumer in consumers)
                if not moved:
                    time.sleep(0.02)  # Kafka: fetches in flight; logs: nothing more yet
                elif progress is not None:
                    progress(min(done(), total), total)
            if progress is not None:
                progress(total, total)
        finally:
            for consumer in consumers:
                consumer.feed.close()
        seconds = time.perf_counter() - started
        if swap:
            generations.swap_in(generation)
        return RebuildReport(
            generation=generation if swap else replaced,
            replaced=replaced if swap else generation,
            dropped=dropped,
            events=sum(c.stats.applied + c.stats.skipped for c in consumers),
            applied=sum(c.stats.applied for c in consumers),
            seconds=round(seconds, 3),
        )
    finally:
        generations.close()


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
    store: Store, settings: Settings, codec: AvroCodec, generation: int
) -> tuple[list[TrackedConsumer], Callable[[], int], int]:
    """A consumer of both topics in a group of its own; progress is the records read against the
    records on the topics when the rebuild started."""
    group = f"{settings.topic_prefix}{SERVICE}-rebuild-g{generation}-{int(time.time())}"
    consumers = build_tower_consumers(
        store, settings, codec=codec, group_id=group, client_id=f"{SERVICE}-rebuild"
    )
    total = _records_on_topics(settings)

    def done() -> int:
        return sum(c.stats.applied + c.stats.skipped for c in consumers)

    return consumers, done, total


def _records_on_topics(settings: Settings) -> int:
    probe = make_consumer(settings, group_id=None, client_id=f"{SERVICE}-rebuild-probe")
    names = [topic_of(u, settings.topic_partitions, settings.topic_prefix).name for u in UPSTREAMS]
    try:
        partitions = [
            TopicPartition(name, p)
            for name in names
            for p in sorted(probe.partitions_for_topic(name) or ())
        ]
        ends = probe.end_offsets(partitions)
        beginnings = probe.beginning_offsets(partitions)
        return sum(ends[tp] - beginnings[tp] for tp in partitions)
    finally:
        probe.close(autocommit=False)
