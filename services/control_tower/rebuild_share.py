"""One share of a rebuild: batches of events folded in memory (``ViewFold``) and written into a generation
of the views in one transaction with their streams' positions (``BulkLoad``). A rebuild in one process
has one share; with workers, each unit of partitions is a share of its own."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass

from backbone.feeds.base import FeedItem
from backbone.settings import Settings
from services.control_tower.adapters.live_views import build_tower_store
from services.control_tower.projections.view_fold import ViewFold

Progress = Callable[[int, int], None]
TIMELINE_CHUNK = 20_000  # timeline rows written while the fold goes on
REBUILD_GC_THRESHOLDS = (50_000, 20, 100)  # see fewer_collections


@dataclass(frozen=True)
class ShareReport:
    read: int
    folded: int


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


def fold_and_load(
    settings: Settings,
    generation: int,
    streams: list[str],
    batches: Iterable[list[FeedItem]],
    total: int,
    progress: Progress | None,
) -> ShareReport:
    store = build_tower_store(settings, generation)
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
