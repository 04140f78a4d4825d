"""A rebuild's worker processes: the partitions of the topics shared between this process and
``workers`` - 1 processes of its own (spawned, so that no Kafka or database connection is forked). Each
takes the next unit nobody has taken (partition n of every topic: a case's events are all in partition n
of each topic, as the key is the case id), folds and loads it as a share of its own, until none is left.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

from backbone.codec import AvroCodec
from backbone.feeds.kafka_ranges import PartitionRange, read_ranges
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from services.control_tower.rebuild_share import Progress, ShareReport, fold_and_load

SERVICE = "control_tower"


def share_among_workers(
    settings: Settings,
    codec: AvroCodec,
    generation: int,
    ranges: list[PartitionRange],
    workers: int,
    progress: Progress | None,
) -> list[ShareReport]:
    """Fold and load ``ranges`` into ``generation`` with this process and ``workers`` - 1 others."""
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
    codec = AvroCodec(SchemaCatalog.load())  # a spawned process: nothing of its parent's is here
    return _take_units(settings, codec, generation, units, _shared, None)


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
        reports.append(fold_and_load(settings, generation, streams, batches, size, progress))
