"""Whether a service's store still holds what its topic says was published from it.

A store restored from a backup (or a schema restored from a dump) while Kafka kept every event is
*behind its topic*: the topic holds events the store lost. Left alone, the store hands the lost
notification ids to new events; consumers that saw those ids already skip the new events as repeats,
and whoever re-reads the topic finds cases the store no longer knows. So a process that writes to a
store or publishes from it first learns the topic's tail (the last event of every partition) and
checks that the store holds the newest of them, under the same notification id: one indexed read,
before every publish, and before a recording unless the check passed in the last half second. If it
does not, nothing is recorded or published until
``backbone recover <service>`` has read the lost events back from the topic (``backbone.recovery``).

Only processes that learn the tail are guarded: the relays and ``backbone run decision`` learn it at
start and from what they publish; the API learns it at start and every few seconds in the background.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from eventsourcing.persistence import ApplicationRecorder

from backbone.envelope import event_id
from backbone.errors import BackboneError

log = structlog.get_logger("backbone.continuity")
RECORDING_CHECK_SECONDS = 0.5


@dataclass(frozen=True)
class TopicTail:
    """The published event with the highest notification id: its id and its event id (``ce_id``)."""

    notification_id: int
    event_id: str


class StoreBehindTopic(BackboneError):
    """A store lacks (or holds another event under) a notification id its topic holds."""

    def __init__(self, service: str, topic: str, tail: TopicTail, held: str | None, head: int) -> None:
        found = "holds another event there" if held else f"ends at notification {head}"
        super().__init__(
            f"{service}'s store is behind its topic {topic}: the topic holds notification "
            f"{tail.notification_id} (event {tail.event_id}), the store {found}. It was restored from "
            f"a backup older than the topic; nothing is recorded in it or published from it until "
            f"`backbone recover {service}` has read the lost events back from the topic "
            f"(README: Operating it, Restoring a store)"
        )
        self.service = service
        self.tail = tail


class Continuity:
    """The tail of ``service``'s topic as far as this process knows it, and the check against it."""

    def __init__(
        self,
        service: str,
        topic: str,
        recorder: ApplicationRecorder,
        read_tail: Callable[[], TopicTail | None],
    ) -> None:
        self.service = service
        self.topic = topic
        self._recorder = recorder
        self._read_tail = read_tail
        self._known: TopicTail | None = None
        self._lock = threading.Lock()
        self._passed_at = -float("inf")

    @property
    def known(self) -> TopicTail | None:
        return self._known

    def learn(self) -> None:
        """Read the topic's tail (from Kafka), then check the store against it."""
        self._remember(self._read_tail())
        self.check()

    def published(self, notification_id: int, aggregate_id: object, version: int) -> None:
        """The relay had the broker acknowledge this event: the topic's tail is at least here."""
        self._remember(TopicTail(notification_id, event_id(str(aggregate_id), version)))

    def check(self) -> None:
        """Raise ``StoreBehindTopic`` unless the store holds the known tail under its id."""
        tail = self._known
        if tail is None:
            return
        held = stored_event_id(self._recorder, tail.notification_id)
        if held != tail.event_id:
            self._passed_at = -float("inf")  # until it passes again, every recording asks
            head = self._recorder.max_notification_id() or 0
            raise StoreBehindTopic(self.service, self.topic, tail, held, head)
        self._passed_at = time.monotonic()

    def check_lately(self, within: float = RECORDING_CHECK_SECONDS) -> None:
        """``check``, unless it passed less than ``within`` seconds ago: what each recording asks.

        A command recorded in the moments between a restore and the next check gets a notification id
        the topic may hold; the relays check before every publish, so it is never published under it,
        and ``backbone recover`` moves it past the topic's tail. Checking every recording instead gave
        single commands 0.83 of their unchecked rate in one run (bench/continuity_cost.py, 3 rounds on
        a busy machine); checking lately, 1.03 (5 rounds: no cost beyond noise)."""
        if time.monotonic() - self._passed_at >= within:
            self.check()

    def learn_in_background(self, stop: threading.Event, every: float = 5.0) -> threading.Thread:
        """Keep learning the tail until ``stop``; a broker that does not answer is tried again later
        (recording goes on, checked against the tail known last)."""

        def keep_learning() -> None:
            while not stop.is_set():
                try:
                    self._remember(self._read_tail())
                except Exception as error:  # the broker away: keep the last tail, try again
                    log.warning("topic_tail_unknown", service=self.service, error=repr(error))
                stop.wait(every)

        thread = threading.Thread(target=keep_learning, name=f"{self.service}-tail", daemon=True)
        thread.start()
        return thread

    def _remember(self, tail: TopicTail | None) -> None:
        if tail is None:
            return
        with self._lock:
            if self._known is None or tail.notification_id > self._known.notification_id:
                self._known = tail


def stored_event_id(recorder: ApplicationRecorder, notification_id: int) -> str | None:
    """The event id of the notification stored under ``notification_id``, or None if there is none."""
    found = recorder.select_notifications(start=notification_id, limit=1, inclusive_of_start=True)
    if not found or found[0].id != notification_id:
        return None
    return event_id(str(found[0].originator_id), found[0].originator_version)
