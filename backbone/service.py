"""The base of every case-owning service: an eventsourcing Application whose events are stored as Avro.

Events are stored under their schema's full name with the Avro body as state, so the store holds the
same contract the consumers read; the clock is injected, so simulations and replays are deterministic.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper
from eventsourcing.utils import EnvType

from backbone.clock import Clock
from backbone.codec import AvroCodec
from backbone.event_mapper import AvroEventMapper


class CaseService(Application[UUID]):
    def __init__(self, *, env: EnvType, codec: AvroCodec, clock: Clock) -> None:
        self.codec = codec
        self.clock = clock
        super().__init__(env=env)

    def construct_mapper(self) -> Mapper[UUID]:
        return AvroEventMapper(self.codec)
