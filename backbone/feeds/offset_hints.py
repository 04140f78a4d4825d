"""Where to resume reading a Kafka partition, kept in the consumer's own store.

The exactly-once guarantee rests on the tracked upstream notification ids, written with the effects.
The Kafka offset is only a hint for where to seek: it is written *after* the effects are committed, so
it never runs ahead of them; at worst a restart re-reads a few messages, which the tracking skips.
"""

from __future__ import annotations

from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder


class OffsetHints:
    def __init__(self, recorder: TrackingRecorder) -> None:
        self._recorder = recorder

    def last_offset(self, stream: str) -> int | None:
        return self._recorder.max_tracking_id(hint_name(stream))

    def record(self, stream: str, offset: int) -> None:
        try:
            self._recorder.insert_tracking(Tracking(hint_name(stream), offset))
        except IntegrityError:
            pass  # another instance already recorded a later offset for this partition


def hint_name(stream: str) -> str:
    """The tracking row under which a partition stream's offset hint is kept."""
    return f"{stream}@kafka-offset"
