"""The base of every case-owning service: an eventsourcing Application whose events are stored as Avro.

Events are stored under their schema's full name with the Avro body as state, so the store holds the
same contract the consumers read; the clock is injected, so simulations and replays are deterministic.

Commands may carry a client idempotency key. The key and a fingerprint of the request are recorded as a
tracking row *in the same transaction* as the command's events: repeating the request records nothing
and returns the first result; reusing the key for another request is refused.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import IntegrityError, Mapper, ProcessRecorder, Tracking
from eventsourcing.utils import EnvType
from pydantic import BaseModel

from backbone.clock import Clock
from backbone.codec import AvroCodec
from backbone.errors import FieldProblem, InvalidCommand
from backbone.event_mapper import AvroEventMapper

IDEMPOTENT_IDS = UUID("0b6c5f86-7d1e-5a39-8c77-2d6f0f3f9e41")


def request_fingerprint(command: BaseModel, target: str) -> int:
    """A positive 63-bit number that differs, in practice, for every different request."""
    digest = hashlib.sha256(
        f"{target}|{type(command).__name__}|{command.model_dump_json()}".encode()
    ).digest()
    return (int.from_bytes(digest[:8], "big") >> 1) or 1


def id_for_key(key: str) -> UUID:
    """The id of an aggregate created by a request with this idempotency key."""
    return uuid5(IDEMPOTENT_IDS, key)


class CaseService(Application[UUID]):
    def __init__(self, *, env: EnvType, codec: AvroCodec, clock: Clock) -> None:
        self.codec = codec
        self.clock = clock
        super().__init__(env=env)

    def construct_mapper(self) -> Mapper[UUID]:
        return AvroEventMapper(self.codec)

    def construct_recorder(self) -> ProcessRecorder:
        return self.factory.process_recorder()

    @property
    def process_recorder(self) -> ProcessRecorder:
        assert isinstance(self.recorder, ProcessRecorder)
        return self.recorder

    def already_done(self, key: str | None, fingerprint: int) -> bool:
        """Whether a request with this key was carried out; refuses a key reused for another request."""
        if key is None:
            return False
        recorded = self.process_recorder.max_tracking_id(_name(key))
        if recorded is None:
            return False
        if recorded != fingerprint:
            raise InvalidCommand(
                "Idempotency-Key",
                [
                    FieldProblem(
                        "idempotency_key",
                        "reused_for_another_request",
                        "this key was used for another request",
                    )
                ],
            )
        return True

    def save_command(self, key: str | None, fingerprint: int, *aggregates: Any) -> None:
        """Save the aggregates' new events, with the idempotency key in the same transaction."""
        if key is None:
            self.save(*aggregates)
            return
        processing = ProcessingEvent[UUID](Tracking(_name(key), fingerprint))
        processing.collect_events(*aggregates)
        try:
            recordings = self._record(processing)
        except IntegrityError:
            if self.already_done(key, fingerprint):
                return  # the same request, carried out at the same moment by another worker
            raise
        self._notify(recordings)


def _name(key: str) -> str:
    return f"idempotency:{key}"
