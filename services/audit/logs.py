"""Reading a service's notification log from the start, a page at a time, with progress: what the
audit's verify and export both do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from eventsourcing.persistence import Notification

from services.topics import PRODUCERS

SERVICES = PRODUCERS  # the services whose stores hold the cases' histories
PAGE = 5000
Progress = Callable[[int, int], None]  # (done, to do)
ProgressFor = Callable[[str, str], Progress]  # (what is being read, its unit) -> a progress for that phase


def read_log(recorder: Any, up_to: int, progress: Progress | None = None) -> Iterator[Notification]:
    """The log from its start up to notification id ``up_to``; ``progress`` after each page."""
    start = 0
    while start < up_to:
        page = recorder.select_notifications(start=start, limit=PAGE, stop=up_to, inclusive_of_start=False)
        if not page:
            break
        yield from page
        start = page[-1].id
        if progress is not None:
            progress(min(start, up_to), up_to)
