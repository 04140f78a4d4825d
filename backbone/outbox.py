"""The outbox relay: publishes a service's notification log to its Kafka topic, in order.

The notification log is the outbox (no dual writes). The relay reads the log after its recorded position,
sends every event keyed by case id with the CloudEvents headers, waits until the broker acknowledged all
of them (``acks=all``, idempotent producer), and only then records the new position. A crash in between
republishes the batch: delivery is at-least-once, and consumers skip what they have applied.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import structlog
from eventsourcing.persistence import ApplicationRecorder, Notification, Tracking, TrackingRecorder

from backbone.codec import AvroCodec
from backbone.continuity import Continuity
from backbone.envelope import relay_headers, service_source
from backbone.errors import BackboneError
from backbone.metrics import EVENTS_PUBLISHED

log = structlog.get_logger("backbone.outbox")

# How many sent batches may wait for acknowledgement while the next one is read and sent.
MAX_BATCHES_IN_FLIGHT = 4


def relay_tracking_name(topic: str) -> str:
    """The tracking row that holds how far the relay of ``topic`` has published (acknowledged)."""
    return f"relay:{topic}"


class RelayPublishError(BackboneError):
    """The broker did not acknowledge every message of a batch; the position was not moved."""


class OutboxRelay:
    def __init__(
        self,
        *,
        service: str,
        recorder: ApplicationRecorder,
        positions: TrackingRecorder,
        codec: AvroCodec,
        topic: str,
        producer: Any,  # a kafka.KafkaProducer
        batch_size: int = 500,
        send_timeout: float = 60.0,
        after_publish: Callable[[Sequence[Notification]], None] | None = None,
        continuity: Continuity | None = None,
        source: str | None = None,
    ) -> None:
        """``source``: the CloudEvents source of the events, if not the service's own (a bridge says
        where its events come from)."""
        self.service = service
        self.topic = topic
        self.tracking_name = relay_tracking_name(topic)
        self.batch_size = batch_size
        self.published = 0
        self._recorder = recorder
        self._positions = positions
        self._codec = codec
        self._producer = producer
        self._send_timeout = send_timeout
        self._source = (source or service_source(service)).encode()
        # A hook between "broker acknowledged" and "position recorded", where a crash hurts most.
        self._after_publish = after_publish
        # The store checked against its topic's tail before anything is sent (backbone.continuity).
        self.continuity = continuity
        self._tail_learned = False

    def position(self) -> int:
        return self._positions.max_tracking_id(self.tracking_name) or 0

    def backlog(self) -> int:
        """How many notifications wait to be published (upper bound; ids may have gaps)."""
        return max(0, (self._recorder.max_notification_id() or 0) - self.position())

    def publish_pending(self) -> int:
        """Publish until the log is drained; returns how many messages were sent.

        Batches are pipelined: the next batch is read and sent while earlier ones wait for their
        acknowledgements. Positions are still recorded strictly in order, each only after every
        message of its batch and of all earlier batches was acknowledged.
        """
        sent = 0
        in_flight: deque[tuple[Sequence[Notification], list[Any]]] = deque()
        read_up_to = self.position()
        while True:
            notifications = self._recorder.select_notifications(
                start=read_up_to, limit=self.batch_size, inclusive_of_start=False
            )
            if notifications and not sent:
                self._check_continuity()
            if notifications:
                in_flight.append((notifications, [self._send(n) for n in notifications]))
                read_up_to = notifications[-1].id
                sent += len(notifications)
            drained = len(notifications) < self.batch_size
            while in_flight and (
                drained or len(in_flight) > MAX_BATCHES_IN_FLIGHT or all(f.is_done for f in in_flight[0][1])
            ):
                self._settle(*in_flight.popleft())
            if drained:
                return sent

    def _check_continuity(self) -> None:
        """Refuse to publish from a store that is behind its topic (restored from a backup)."""
        if self.continuity is None:
            return
        if not self._tail_learned and self.continuity.known is None:
            self.continuity.learn()  # unless the process learnt the tail already
        else:
            self.continuity.check()
        self._tail_learned = True

    def _settle(self, notifications: Sequence[Notification], futures: list[Any]) -> None:
        if not all(f.is_done for f in futures):
            self._producer.flush(timeout=self._send_timeout)
        failures = [f.exception for f in futures if not f.succeeded()]
        if failures:
            raise RelayPublishError(
                f"{len(failures)} of {len(futures)} messages to {self.topic} not acknowledged: "
                f"{failures[0]!r}"
            )
        if self._after_publish is not None:
            self._after_publish(notifications)
        self._positions.insert_tracking(Tracking(self.tracking_name, notifications[-1].id))
        if self.continuity is not None:
            last = notifications[-1]
            self.continuity.published(last.id, last.originator_id, last.originator_version)
        self.published += len(notifications)
        EVENTS_PUBLISHED.labels(self.topic).inc(len(notifications))
        log.debug(
            "relay_batch_published",
            topic=self.topic,
            count=len(notifications),
            up_to=notifications[-1].id,
        )

    def _send(self, notification: Notification) -> Any:
        key, headers = relay_headers(self._source, notification.topic, notification.state, notification.id)
        return self._producer.send(
            self.topic,
            key=key,
            value=self._codec.frame(notification.topic, notification.state),
            headers=headers,
        )
