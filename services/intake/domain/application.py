"""The Application aggregate (aanvraag): what intake receives, checks and accepts."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from backbone.errors import DomainRuleViolation
from backbone.events import CaseEvent
from backbone.procedures import Procedure
from backbone.statutory.catalogue import IND_CATALOGUE, ClockStart
from backbone.statutory.clock import StatutoryClock
from services.intake.domain.events import (
    ApplicationAccepted,
    ApplicationStatus,
    ApplicationSubmitted,
    Channel,
    FeePaid,
)


class ApplicationNotAcceptable(DomainRuleViolation):
    pass


class FeeNotAcceptable(DomainRuleViolation):
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
    fee_paid_on: date | None

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

    def pay_fee(self, *, paid_on: date, amount_cents: int, now: datetime, correlation_id: str) -> None:
        if self.status is not ApplicationStatus.SUBMITTED:
            raise FeeNotAcceptable(f"application {self.id} is {self.status.value}; the fee is paid before")
        if self.fee_paid_on is not None:
            raise FeeNotAcceptable(f"the fee of application {self.id} was paid on {self.fee_paid_on}")
        if paid_on < self.received_on:
            raise FeeNotAcceptable(f"paid_on {paid_on} is before the application was received")
        self.trigger_event(
            FeePaid,
            timestamp=now,
            occurred_at=now,
            correlation_id=correlation_id,
            causation_id=None,
            paid_on=paid_on,
            amount_cents=amount_cents,
        )

    def accept(self, *, now: datetime, correlation_id: str) -> None:
        if self.status is not ApplicationStatus.SUBMITTED:
            raise ApplicationNotAcceptable(
                f"application {self.id} is {self.status.value}; only a submitted one can be accepted"
            )
        clock = StatutoryClock.start(self.procedure, self.clock_start())
        self.trigger_event(
            ApplicationAccepted,
            timestamp=now,
            occurred_at=now,
            correlation_id=correlation_id,
            causation_id=None,
            procedure=self.procedure,
            received_on=self.received_on,
            statutory_deadline=clock.deadline(today=clock.started_on),
            clock_started_on=clock.started_on,
            policy_version=clock.policy_version,
            legal_basis=clock.legal_basis,
        )

    def clock_start(self) -> date:
        """The day the statutory clock starts: receipt, or for naturalisation the fee payment."""
        rules = IND_CATALOGUE.rules(self.procedure, self.received_on)
        if rules.clock_starts is ClockStart.FEE_PAID:
            if self.fee_paid_on is None:
                raise ApplicationNotAcceptable(
                    f"a {self.procedure.value} application is accepted once the fee is paid: its "
                    f"statutory clock starts on the day of payment ({rules.legal_basis})"
                )
            return self.fee_paid_on
        return self.received_on
