"""What a change feed hands the bridge: a legacy change and where it came from. The bridge reads them
with the backbone's TrackedConsumer, as the other services read events (an ``ItemFeed[ChangeItem]``)."""

from __future__ import annotations

from dataclasses import dataclass

from services.legacy_bridge.domain.changes import LegacyChange


@dataclass(frozen=True)
class ChangeItem:
    """``stream``: ``<change topic>:p<partition>``; ``position``: the Kafka offset + 1, which is what the
    bridge tracks; ``change``: None for a record that carries no change (a tombstone)."""

    stream: str
    position: int
    change: LegacyChange | None
