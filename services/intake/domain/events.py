"""What happens to an application (aanvraag) at intake. Each class is the Avro record of the same name."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from backbone.events import CaseCreated, CaseEvent
from backbone.procedures import Procedure

if TYPE_CHECKING:
    from services.intake.domain.application import Application


class Channel(StrEnum):
    ONLINE = "online"
    DESK = "desk"  # loket
    POST = "post"
    APPLICATION_CENTRE = "application_centre"  # aanmeldcentrum


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"


class ApplicationSubmitted(CaseCreated):
    TOPIC = "nl.ind.intake.ApplicationSubmitted"
    AGGREGATE_TOPIC = "nl.ind.intake.Application"

    procedure: Procedure
    channel: Channel
    received_on: date
    applicant_ref: str
    nationality: str

    def apply(self, aggregate: Any) -> None:
        application: Application = aggregate
        application.procedure = self.procedure
        application.channel = self.channel
        application.received_on = self.received_on
        application.applicant_ref = self.applicant_ref
        application.nationality = self.nationality
        application.status = ApplicationStatus.SUBMITTED
        application.statutory_deadline = None
        application.fee_paid_on = None


class FeePaid(CaseEvent):
    TOPIC = "nl.ind.intake.FeePaid"

    paid_on: date
    amount_cents: int

    def apply(self, aggregate: Any) -> None:
        application: Application = aggregate
        application.fee_paid_on = self.paid_on


class ApplicationAccepted(CaseEvent):
    TOPIC = "nl.ind.intake.ApplicationAccepted"

    procedure: Procedure
    received_on: date
    statutory_deadline: date
    clock_started_on: date
    policy_version: str
    legal_basis: str

    def apply(self, aggregate: Any) -> None:
        application: Application = aggregate
        application.status = ApplicationStatus.ACCEPTED
        application.statutory_deadline = self.statutory_deadline
