"""What happens to an application (aanvraag) at intake. Each class is the Avro record of the same name.

Each event's ``apply`` is how the Application aggregate changes; the rules that decide whether an
event may happen live in ``application.py``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from backbone.events import CaseCreated, CaseEvent
from ind.procedures import Procedure
from services.intake.domain.vocabulary import (
    ApplicationStatus,
    AsylumTrack,
    Channel,
    Complexity,
    ResidencePurpose,
)

if TYPE_CHECKING:  # the aggregate imports its events
    from services.intake.domain.application import Application


class ApplicationSubmitted(CaseCreated):
    TOPIC = "nl.ind.intake.ApplicationSubmitted"
    AGGREGATE_TOPIC = "nl.ind.intake.Application"

    procedure: Procedure
    channel: Channel
    received_on: date
    applicant_ref: str
    nationality: str
    residence_purpose: ResidencePurpose | None
    sponsor_ref: str | None
    previous_permit_ends_on: date | None
    employer_share_percent: int | None

    def apply(self, aggregate: Application) -> None:
        aggregate.procedure = self.procedure
        aggregate.channel = self.channel
        aggregate.received_on = self.received_on
        aggregate.applicant_ref = self.applicant_ref
        aggregate.nationality = self.nationality
        aggregate.residence_purpose = self.residence_purpose
        aggregate.status = ApplicationStatus.SUBMITTED
        aggregate.statutory_deadline = None
        aggregate.fee_paid_on = None
        aggregate.track = None
        aggregate.classified = False
        aggregate.open_defect = None
        aggregate.defect_periods = []


class ResidenceGapDetected(CaseEvent):
    TOPIC = "nl.ind.intake.ResidenceGapDetected"

    previous_permit_ends_on: date
    gap_days: int
    within_grace: bool


class SubstantialShareholdingFlagged(CaseEvent):
    TOPIC = "nl.ind.intake.SubstantialShareholdingFlagged"

    share_percent: int
    threshold_percent: int


class FeePaid(CaseEvent):
    TOPIC = "nl.ind.intake.FeePaid"

    paid_on: date
    amount_cents: int

    def apply(self, aggregate: Application) -> None:
        aggregate.fee_paid_on = self.paid_on


class DefectNotified(CaseEvent):
    TOPIC = "nl.ind.intake.DefectNotified"

    notified_on: date
    remedy_by: date
    missing: list[str]
    policy_version: str
    legal_basis: str
    catalogue_version: str  # of the missing items

    def apply(self, aggregate: Application) -> None:
        aggregate.open_defect = (self.notified_on, self.remedy_by)


class DefectRemedied(CaseEvent):
    TOPIC = "nl.ind.intake.DefectRemedied"

    remedied_on: date
    policy_version: str
    legal_basis: str

    def apply(self, aggregate: Application) -> None:
        assert aggregate.open_defect is not None  # a defect is remedied only while one is open
        notified_on, _ = aggregate.open_defect
        aggregate.defect_periods = [*aggregate.defect_periods, (notified_on, self.remedied_on)]
        aggregate.open_defect = None


class ApplicationClassified(CaseEvent):
    TOPIC = "nl.ind.intake.ApplicationClassified"

    track: AsylumTrack | None
    target_group: str | None
    complexity: Complexity
    catalogue_version: str  # of the target groups

    def apply(self, aggregate: Application) -> None:
        aggregate.track = self.track
        aggregate.classified = True


class ApplicationAccepted(CaseEvent):
    TOPIC = "nl.ind.intake.ApplicationAccepted"

    procedure: Procedure
    received_on: date
    statutory_deadline: date
    clock_started_on: date
    policy_version: str
    legal_basis: str
    suspended_days: int
    applicant_ref: str

    def apply(self, aggregate: Application) -> None:
        aggregate.status = ApplicationStatus.ACCEPTED
        aggregate.statutory_deadline = self.statutory_deadline


class ApplicationWithdrawn(CaseEvent):
    TOPIC = "nl.ind.intake.ApplicationWithdrawn"

    withdrawn_on: date

    def apply(self, aggregate: Application) -> None:
        aggregate.status = ApplicationStatus.WITHDRAWN
        aggregate.open_defect = None


class ApplicationNotProcessed(CaseEvent):
    TOPIC = "nl.ind.intake.ApplicationNotProcessed"

    decided_on: date
    legal_basis: str

    def apply(self, aggregate: Application) -> None:
        aggregate.status = ApplicationStatus.NOT_PROCESSED
        aggregate.open_defect = None
