"""One interface for both transports.

A *stream* is one totally ordered sequence of one upstream service's events: its whole notification log
(embedded mode) or one partition of its topic (distributed mode). The stream's name is what a consumer
tracks, together with the upstream notification id it has applied up to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from backbone.envelope import Envelope

# Called by a feed to learn where a consumer stands on a stream: the last upstream notification id it
# applied, or None if it has applied nothing from that stream yet.
PositionLookup = Callable[[str], int | None]


def log_stream(upstream: str) -> str:
    return upstream


def partition_stream(upstream: str, partition: int) -> str:
    return f"{upstream}:p{partition}"


class Tracked(Protocol):
    """What a tracked consumer needs of an item: its stream and its position in it (increasing)."""

    @property
    def stream(self) -> str: ...

    @property
    def position(self) -> int: ...


ItemT = TypeVar("ItemT", bound=Tracked)


@dataclass(frozen=True, slots=True)
class FeedItem:
    stream: str
    position: int  # the upstream notification id
    envelope: Envelope
    offset: int | None = None  # the Kafka offset, in distributed mode


class ItemFeed(Protocol[ItemT]):
    """A feed of any tracked items: the backbone's events (``Feed``), a legacy system's changes, ..."""

    def poll(self, max_items: int, timeout: float) -> Sequence[ItemT]:
        """The next items, in order per stream; empty when nothing arrived within ``timeout``."""
        ...

    def acknowledge(self, items: Sequence[ItemT]) -> None:
        """The consumer has committed the effects of these items (or found them already applied)."""
        ...

    def rewind(self) -> None:
        """Forget what was read but not acknowledged; the next poll starts from the tracked positions."""
        ...

    def close(self) -> None: ...


# A feed of the backbone's own events (envelopes).
Feed = ItemFeed[FeedItem]
