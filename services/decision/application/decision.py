"""The decision service: opens a case for every accepted application it consumes.

It is a processor for the tracked consumer: the case events it records and the position it read up to
are written in one transaction, so a redelivered message changes nothing and a crash loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

import structlog
from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import ProcessRecorder, Tracking

from backbone.envelope import Envelope
from backbone.events import CaseEvent
from backbone.feeds.base import FeedItem
from backbone.logs import case_context
from backbone.procedures import Procedure
from backbone.service import CaseService
from services.decision.domain.case import Case

APPLICATION_ACCEPTED = "nl.ind.intake.ApplicationAccepted"
log = structlog.get_logger("decision")


class Decision(CaseService):
    name = "decision"

    def construct_recorder(self) -> ProcessRecorder:
        return self.factory.process_recorder()

    @property
    def process_recorder(self) -> ProcessRecorder:
        assert isinstance(self.recorder, ProcessRecorder)
        return self.recorder

    # The processor protocol of backbone.consumer.
    def max_position(self, stream: str) -> int | None:
        return self.process_recorder.max_tracking_id(stream)

    def process(self, items: Sequence[FeedItem], tracking: Tracking) -> None:
        processing = ProcessingEvent[UUID](tracking)
        for item in items:
            self.policy(item.envelope, processing)
        self._notify(self._record(processing))
        for event in processing.events:  # logged once committed, never for a rolled-back batch
            assert isinstance(event, CaseEvent)
            with case_context(event.originator_id, event.correlation_id, event.causation_id):
                log.info("case_opened", version=event.originator_version)

    def policy(self, envelope: Envelope, processing: ProcessingEvent[UUID]) -> None:
        if envelope.schema != APPLICATION_ACCEPTED:
            return
        data = envelope.data
        case = Case.open(
            case_id=envelope.case_id,
            procedure=Procedure(data["procedure"]),
            received_on=data["received_on"],
            statutory_deadline=data["statutory_deadline"],
            clock_started_on=data["clock_started_on"],
            policy_version=data["policy_version"],
            legal_basis=data["legal_basis"],
            now=self.clock.now(),
            correlation_id=envelope.correlation_id,
            causation_id=envelope.id,
        )
        processing.collect_events(case)

    def get_case(self, case_id: UUID) -> Case:
        case: Case = self.repository.get(case_id)
        return case
