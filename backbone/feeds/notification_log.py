"""Embedded mode: read a producing service's notification log directly, by polling."""

from __future__ import annotations

import time
from collections.abc import Sequence

from eventsourcing.persistence import ApplicationRecorder

from backbone.codec import AvroCodec
from backbone.envelope import envelope_from_record, service_source
from backbone.errors import BackboneError
from backbone.feeds.base import FeedItem, PositionLookup, log_stream

IDLE_SLEEP_SECONDS = 0.02


class NotificationLogFeed:
    def __init__(
        self,
        *,
        upstream: str,
        recorder: ApplicationRecorder,
        codec: AvroCodec,
        positions: PositionLookup,
        topics: Sequence[str] = (),
    ) -> None:
        self.upstream = upstream
        self.stream = log_stream(upstream)
        self._recorder = recorder
        self._codec = codec
        self._positions = positions
        self._topics = tuple(topics)
        self._source = service_source(upstream)
        self._read_up_to: int | None = None

    def poll(self, max_items: int, timeout: float) -> list[FeedItem]:
        deadline = time.monotonic() + timeout
        while True:
            items = self._read(max_items)
            if items or time.monotonic() >= deadline:
                return items
            time.sleep(min(IDLE_SLEEP_SECONDS, max(0.0, deadline - time.monotonic())))

    def _read(self, max_items: int) -> list[FeedItem]:
        if self._read_up_to is None:
            self._read_up_to = self._positions(self.stream) or 0
            self._refuse_a_log_behind(self._read_up_to)
        notifications = self._recorder.select_notifications(
            start=self._read_up_to,
            limit=max_items,
            topics=self._topics,
            inclusive_of_start=False,
        )
        items = []
        for notification in notifications:
            record = self._codec.decode_body(notification.topic, notification.state)
            envelope = envelope_from_record(self._source, notification.topic, record, notification.id)
            items.append(FeedItem(self.stream, notification.id, envelope))
        if notifications:
            self._read_up_to = notifications[-1].id
        return items

    def _refuse_a_log_behind(self, applied_up_to: int) -> None:
        head = self._recorder.max_notification_id() or 0
        if applied_up_to > head:
            raise ConsumerAheadOfLog(
                f"a consumer has applied {self.upstream}'s log up to notification {applied_up_to}, but the "
                f"log ends at {head}: {self.upstream}'s store was restored from an older backup than its "
                f"consumers'. Embedded mode has no topic to read the lost events back from: restore every "
                f"store file from the same backup"
            )

    def acknowledge(self, items: Sequence[FeedItem]) -> None:
        """Nothing to do: the consumer's tracking table is the only position."""

    def rewind(self) -> None:
        self._read_up_to = None

    def close(self) -> None:
        """The recorder belongs to whoever passed it in."""


class ConsumerAheadOfLog(BackboneError):
    """A consumer's position lies past the end of its upstream's log: the log lost events."""
