"""The Application aggregate (aanvraag): what intake receives, checks and accepts."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from backbone.errors import DomainRuleViolation
from backbone.events import CaseEvent
from backbone.procedures import Procedure, statutory_deadline
from services.intake.domain.events import (
    ApplicationAccepted,
    ApplicationStatus,
    ApplicationSubmitted,
    Channel,
)


class ApplicationNotAcceptable(DomainRuleViolation):
    pass


class Application(Aggregate):
    TOPIC = "nl.ind.intake.Application"
    Event = CaseEvent
    Created = ApplicationSubmitted

    procedure: Procedure
    channel: Channel
    received_on: date
    applicant_ref: str
    nationality: str
    status: ApplicationStatus
    statutory_deadline: date | None

    def __init__(self) -> None:
        """Every attribute is set by the events' ``apply``; nothing is passed in."""

    @classmethod
    def submit(
        cls,
        *,
        application_id: UUID,
        procedure: Procedure,
        channel: Channel,
        received_on: date,
        applicant_ref: str,
        nationality: str,
        now: datetime,
        correlation_id: str,
    ) -> Application:
        return cls._create(
            ApplicationSubmitted,
            id=application_id,
            timestamp=now,
            occurred_at=now,
            correlation_id=correlation_id,
            causation_id=None,
            procedure=procedure,
            channel=channel,
            received_on=received_on,
            applicant_ref=applicant_ref,
            nationality=nationality,
        )

    def accept(self, *, now: datetime, correlation_id: str) -> None:
        if self.status is not ApplicationStatus.SUBMITTED:
            raise ApplicationNotAcceptable(
                f"application {self.id} is {self.status.value}; only a submitted one can be accepted"
            )
        self.trigger_event(
            ApplicationAccepted,
            timestamp=now,
            occurred_at=now,
            correlation_id=correlation_id,
            causation_id=None,
            procedure=self.procedure,
            received_on=self.received_on,
            statutory_deadline=statutory_deadline(self.procedure, self.received_on),
        )
