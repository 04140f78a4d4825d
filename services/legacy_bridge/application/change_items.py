"""What a change feed hands the bridge: a legacy change and where it came from. The bridge reads them
with the backbone's TrackedConsumer, as the other services read events (an ``ItemFeed[ChangeItem]``)."""

from __future__ import annotations

from dataclasses import dataclass

from services.legacy_bridge.domain.changes import LegacyChange


@dataclass(frozen=True)
class ChangeItem:
    """``stream``: ``<change topic>:p<partition>``; ``position``: the Kafka offset + 1, which is what the
    bridge tracks; ``change``: None for a record that carries no change (a tombstone); ``origin``:
    where the change was read, if not at ``stream``'s position before ``position`` (a line of an
    extract's file)."""

    stream: str
    position: int
    change: LegacyChange | None
    origin: str | None = None

    @property
    def correlation_id(self) -> str:
        """What the change's events name as their cause: the change record, or the extract's line."""
        return self.origin or f"{self.stream}@{self.position - 1}"
