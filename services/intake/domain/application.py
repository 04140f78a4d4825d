"""The Application aggregate (aanvraag): what intake receives, completes, classifies and accepts."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from backbone.errors import DomainRuleViolation
from backbone.events import CaseEvent, Cause
from ind.codes.applications import MISSING_ITEMS, TARGET_GROUPS
from ind.procedures import Procedure
from ind.statutory.catalogue import IND_CATALOGUE, ClockStart, RequiredSteps
from ind.statutory.clock import StatutoryClock
from services.intake.domain.events import (
    ApplicationAccepted,
    ApplicationClassified,
    ApplicationNotProcessed,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    DefectNotified,
    DefectRemedied,
    FeePaid,
    ResidenceGapDetected,
    SubstantialShareholdingFlagged,
)
from services.intake.domain.vocabulary import (
    RENEWAL_GRACE_DAYS,
    SHAREHOLDING_LIMIT_PERCENT,
    ApplicationStatus,
    AsylumTrack,
    Channel,
    Complexity,
    ResidencePurpose,
)

SUSPENSION_BASIS = "Awb 4:5; Awb 4:15(1)(a)"  # a defect notice suspends the statutory period


class ApplicationRuleViolation(DomainRuleViolation):
    """The application's state does not allow this; nothing was recorded."""


class Application(Aggregate):
    TOPIC = "nl.ind.intake.Application"
    Event = CaseEvent
    Created = ApplicationSubmitted

    procedure: Procedure
    channel: Channel
    received_on: date
    applicant_ref: str
    nationality: str
    residence_purpose: ResidencePurpose | None
    status: ApplicationStatus
    statutory_deadline: date | None
    fee_paid_on: date | None
    track: AsylumTrack | None
    classified: bool
    open_defect: tuple[date, date] | None  # (notified on, remedy by)
    defect_periods: list[tuple[date, date]]  # (notified on, remedied on): the clock was suspended

    def __init__(self) -> None:
        """Every attribute is set by the events' ``apply``; nothing is passed in."""

    @classmethod
    def submit(cls, *, application_id: UUID, cause: Cause, **facts: Any) -> Application:
        application = cls._create(
            ApplicationSubmitted, id=application_id, **cause.event_metadata(), **facts
        )
        application._flag_residence_gap(cause)
        application._flag_shareholding(facts.get("employer_share_percent"), cause)
        return application

    def _flag_residence_gap(self, cause: Cause) -> None:
        ends_on: date | None = self.pending_events[0].previous_permit_ends_on  # type: ignore[attr-defined]
        if self.procedure is Procedure.RENEWAL and ends_on is not None and self.received_on > ends_on:
            gap = (self.received_on - ends_on).days
            self.trigger_event(
                ResidenceGapDetected,
                previous_permit_ends_on=ends_on,
                gap_days=gap,
                within_grace=gap <= RENEWAL_GRACE_DAYS,
                **cause.event_metadata(),
            )

    def _flag_shareholding(self, share: int | None, cause: Cause) -> None:
        if share is not None and share > SHAREHOLDING_LIMIT_PERCENT:
            self.trigger_event(
                SubstantialShareholdingFlagged,
                share_percent=share,
                threshold_percent=SHAREHOLDING_LIMIT_PERCENT,
                **cause.event_metadata(),
            )

    def pay_fee(self, *, paid_on: date, amount_cents: int, cause: Cause) -> None:
        self._require_submitted("pay the fee of")
        if self.fee_paid_on is not None:
            raise ApplicationRuleViolation(
                f"the fee of application {self.id} was paid on {self.fee_paid_on}"
            )
        if paid_on < self.received_on:
            raise ApplicationRuleViolation(f"paid_on {paid_on} is before the application was received")
        self._record(FeePaid, cause, paid_on=paid_on, amount_cents=amount_cents)

    def notify_defect(
        self, *, notified_on: date, remedy_by: date, missing: list[str], cause: Cause
    ) -> None:
        self._require_submitted("notify a defect in")
        if self.open_defect is not None:
            raise ApplicationRuleViolation(
                f"a defect notified on {self.open_defect[0]} is still open; remedy it first"
            )
        if notified_on < self.received_on or remedy_by <= notified_on:
            raise ApplicationRuleViolation(
                f"a defect is notified on or after receipt ({self.received_on}) and remedied after "
                f"the notice; got notified_on {notified_on}, remedy_by {remedy_by}"
            )
        last = self.defect_periods[-1][1] if self.defect_periods else None
        if last is not None and notified_on < last:
            raise ApplicationRuleViolation(f"notified_on {notified_on} overlaps the defect remedied {last}")
        self._record(
            DefectNotified,
            cause,
            notified_on=notified_on,
            remedy_by=remedy_by,
            missing=missing,
            catalogue_version=MISSING_ITEMS.version_id,
            **self._clock_basis(),
        )

    def remedy_defect(self, *, remedied_on: date, cause: Cause) -> None:
        if self.open_defect is None:
            raise ApplicationRuleViolation(f"application {self.id} has no open defect to remedy")
        if remedied_on < self.open_defect[0]:
            raise ApplicationRuleViolation(
                f"remedied_on {remedied_on} is before the notice {self.open_defect[0]}"
            )
        self._record(DefectRemedied, cause, remedied_on=remedied_on, **self._clock_basis())

    def classify(
        self,
        *,
        track: AsylumTrack | None,
        target_group: str | None,
        complexity: Complexity,
        cause: Cause,
    ) -> None:
        self._require_submitted("classify")
        if (track is None) == self._steps().track_before_acceptance:
            rule = "needs an asylum track" if track is None else "has no asylum track"
            raise ApplicationRuleViolation(f"a {self.procedure.value} application {rule}")
        self._record(
            ApplicationClassified,
            cause,
            track=track,
            target_group=target_group,
            complexity=complexity,
            catalogue_version=TARGET_GROUPS.version_id,
        )

    def accept(self, *, cause: Cause) -> None:
        self._require_submitted("accept")
        if self.open_defect is not None:
            raise ApplicationRuleViolation(
                f"application {self.id} waits for the applicant to remedy a defect; accept it after"
            )
        if self._steps().track_before_acceptance and not self.classified:
            raise ApplicationRuleViolation("an asylum application is accepted once its track is set")
        clock = self.statutory_clock()
        self._record(
            ApplicationAccepted,
            cause,
            procedure=self.procedure,
            received_on=self.received_on,
            statutory_deadline=clock.deadline(today=cause.occurred_at.date()),
            clock_started_on=clock.started_on,
            policy_version=clock.policy_version,
            legal_basis=clock.legal_basis,
            suspended_days=clock.suspended_days(today=cause.occurred_at.date()),
            applicant_ref=self.applicant_ref,
        )

    def withdraw(self, *, withdrawn_on: date, cause: Cause) -> None:
        self._require_submitted("withdraw")
        self._record(ApplicationWithdrawn, cause, withdrawn_on=withdrawn_on)

    def stop_processing(self, *, decided_on: date, cause: Cause) -> None:
        """Not processed (buiten behandeling): the defect was not remedied by its date (Awb 4:5)."""
        if self.open_defect is None or decided_on <= self.open_defect[1]:
            raise ApplicationRuleViolation(
                "an application is not processed only after an open defect's remedy date has passed"
            )
        self._record(ApplicationNotProcessed, cause, decided_on=decided_on, legal_basis="Awb 4:5")

    def statutory_clock(self) -> StatutoryClock:
        """The clock from its start, with every remedied defect as a suspension (Awb 4:15)."""
        clock = StatutoryClock.start(self.procedure, self.clock_start())
        for notified_on, remedied_on in self.defect_periods:
            if remedied_on > clock.started_on:
                clock = clock.suspend(max(notified_on, clock.started_on), "defect notice").resume(
                    remedied_on
                )
        return clock

    def clock_start(self) -> date:
        """The day the statutory clock starts: receipt, or for naturalisation the fee payment."""
        rules = IND_CATALOGUE.rules(self.procedure, self.received_on)
        if rules.clock_starts is ClockStart.FEE_PAID:
            if self.fee_paid_on is None:
                raise ApplicationRuleViolation(
                    f"a {self.procedure.value} application is accepted once the fee is paid: its "
                    f"statutory clock starts on the day of payment ({rules.legal_basis})"
                )
            return self.fee_paid_on
        return self.received_on

    def _clock_basis(self) -> dict[str, str]:
        version = IND_CATALOGUE.in_force(self.received_on)
        return {"policy_version": version.id, "legal_basis": SUSPENSION_BASIS}

    def _steps(self) -> RequiredSteps:
        return IND_CATALOGUE.rules(self.procedure, self.received_on).steps

    def _require_submitted(self, action: str) -> None:
        if self.status is not ApplicationStatus.SUBMITTED:
            raise ApplicationRuleViolation(
                f"cannot {action} application {self.id}: it is {self.status.value}"
            )

    def _record(self, event_class: type[CaseEvent], cause: Cause, **facts: Any) -> None:
        self.trigger_event(event_class, **cause.event_metadata(), **facts)
