"""The Case aggregate (zaak): one application's way to a decision, and what follows it.

Every method checks the rule it stands for and raises ``CaseRuleViolation`` with the reason, recording
nothing; otherwise it records one event. The statutory clock travels with the case.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from backbone.errors import DomainRuleViolation
from backbone.events import CaseEvent, Cause
from ind.codes.code_list import CodeList
from ind.codes.courts import COURTS
from ind.codes.grounds import (
    CLOSING_GROUNDS,
    DECISION_GROUNDS,
    ESCALATION_GROUNDS,
    EXTENSION_GROUNDS,
    PROLONGATION_GROUNDS,
)
from ind.codes.information_subjects import INFORMATION_SUBJECTS
from ind.codes.locations import ISSUE_LOCATIONS
from ind.codes.resolutions import ESCALATION_RESOLUTIONS
from ind.codes.teams import TEAMS
from ind.procedures import Procedure
from ind.statutory.catalogue import RequiredSteps, Review
from ind.statutory.clock import ClockRuleViolation, StatutoryClock
from ind.statutory.penalties import accrues_from
from ind.statutory.periods import Period
from services.decision.domain.events import (
    AppealLodged,
    CaseAssigned,
    CaseClosed,
    CaseEscalated,
    CaseOpened,
    CaseReferredToProlongedProcedure,
    CaseReturnedToLegacy,
    CaseTakenOverFromLegacy,
    DeadlineExtended,
    DecisionTaken,
    DocumentIssued,
    DocumentReadyForIssue,
    EscalationResolved,
    HearingHeld,
    HearingScheduled,
    InformationReceived,
    InformationRequested,
    IntendedDecisionIssued,
    NoticeOfDefaultReceived,
    ObjectionFiled,
    ResponseReceived,
)
from services.decision.domain.legacy_takeover import LegacyCaseState
from services.decision.domain.vocabulary import (
    OBJECTION_PERIOD_DAYS,
    HearingKind,
    IssueChannel,
    Outcome,
)

MERITS_HEARINGS = {HearingKind.DETAILED, HearingKind.SHORTENED}


class CaseRuleViolation(DomainRuleViolation):
    """The case's state does not allow this; nothing was recorded."""


class Case(Aggregate):
    TOPIC = "nl.ind.decision.Case"
    Event = CaseEvent
    Created = CaseOpened

    procedure: Procedure
    applicant_ref: str
    received_on: date
    clock: StatutoryClock
    statutory_deadline: date
    objected_case_id: UUID | None
    team: str | None
    officer_ref: str | None
    scheduled: set[HearingKind]
    held: set[HearingKind]
    escalated: bool
    prolonged: bool
    intended_decision_due: date | None
    response_received: bool
    outcome: Outcome | None
    decided_on: date | None
    notice_of_default_on: date | None
    objection_case_id: UUID | None
    document_channel: IssueChannel | None
    document_issued: bool
    closed: bool
    returned_to_legacy: bool  # a cutover's rollback gave the case back to the legacy case system

    def __init__(self) -> None:
        """Every attribute is set by the events' ``apply``; nothing is passed in."""

    @classmethod
    def open(
        cls,
        *,
        case_id: UUID,
        procedure: Procedure,
        received_on: date,
        statutory_deadline: date,
        clock_started_on: date,
        policy_version: str,
        legal_basis: str,
        applicant_ref: str,
        cause: Cause,
        suspended_days: int = 0,
        objected_case_id: UUID | None = None,
    ) -> Case:
        return cls._create(
            CaseOpened,
            id=case_id,
            **cause.event_metadata(),
            procedure=procedure,
            received_on=received_on,
            statutory_deadline=statutory_deadline,
            clock_started_on=clock_started_on,
            policy_version=policy_version,
            legal_basis=legal_basis,
            suspended_days=suspended_days,
            objected_case_id=objected_case_id,
            applicant_ref=applicant_ref,
        )

    @classmethod
    def open_objection(cls, *, case_id: UUID, against: Case, filed_on: date, cause: Cause) -> Case:
        """An objection case; its clock starts the day after the objection period, or on a late filing."""
        assert against.decided_on is not None
        period_end = against.decided_on + timedelta(days=OBJECTION_PERIOD_DAYS)
        clock = StatutoryClock.start(Procedure.OBJECTION, max(filed_on, period_end + timedelta(days=1)))
        return cls.open(
            case_id=case_id,
            procedure=Procedure.OBJECTION,
            received_on=filed_on,
            statutory_deadline=clock.deadline(today=clock.started_on),
            clock_started_on=clock.started_on,
            policy_version=clock.policy_version,
            legal_basis=clock.legal_basis,
            applicant_ref=against.applicant_ref,
            cause=cause,
            objected_case_id=against.id,
        )

    @classmethod
    def take_over_from_legacy(cls, *, case_id: UUID, state: LegacyCaseState, cause: Cause) -> Case:
        """A case in flight in the legacy case system, opened here at a cutover with its clock."""
        return cls._create(
            CaseTakenOverFromLegacy, id=case_id, **cause.event_metadata(), **state.event_fields()
        )

    def return_to_legacy(self, *, zaaknummer: str, cutover_id: UUID, on: date, cause: Cause) -> None:
        """A cutover's rollback; refused once the backbone decided the case (the point of no return)."""
        self._require_undecided("return to the legacy system")
        self._record(
            CaseReturnedToLegacy, cause, zaaknummer=zaaknummer, cutover_id=cutover_id, returned_on=on
        )

    # -- work on the case ---------------------------------------------------------------------

    def assign(self, *, team: str, officer_ref: str, cause: Cause) -> None:
        self._require_open()
        self._record(CaseAssigned, cause, officer_ref=officer_ref, **_coded(TEAMS, team=team))

    def schedule_hearing(
        self, *, kind: HearingKind, scheduled_for: date, remote: bool, cause: Cause
    ) -> None:
        self._require_undecided("schedule a hearing for")
        if kind.value not in self.steps.hearing_kinds:
            raise CaseRuleViolation(
                f"a {kind.value} hearing is not part of the {self.procedure.value} procedure"
            )
        self._record(HearingScheduled, cause, kind=kind, scheduled_for=scheduled_for, remote=remote)

    def hold_hearing(self, *, kind: HearingKind, held_on: date, remote: bool, cause: Cause) -> None:
        self._require_undecided("hold a hearing for")
        if kind not in self.scheduled or kind in self.held:
            raise CaseRuleViolation(f"no {kind.value} hearing is scheduled and still to be held")
        self._record(HearingHeld, cause, kind=kind, held_on=held_on, remote=remote)

    def request_information(
        self, *, requested_on: date, due_on: date, subject_code: str, cause: Cause
    ) -> None:
        self._require_undecided("request information for")
        if due_on <= requested_on:
            raise CaseRuleViolation(f"due_on {due_on} must come after requested_on {requested_on}")
        clock = self._clock_rule(lambda: self.clock.suspend(requested_on, subject_code))
        self._record_clock(
            InformationRequested,
            cause,
            clock,
            requested_on,
            requested_on=requested_on,
            due_on=due_on,
            **_coded(INFORMATION_SUBJECTS, subject_code=subject_code),
        )

    def receive_information(self, *, received_on: date, cause: Cause) -> None:
        self._require_open()
        clock = self._clock_rule(lambda: self.clock.resume(received_on))
        days = clock.suspensions[-1].days_until(received_on)
        self._record_clock(
            InformationReceived, cause, clock, received_on, received_on=received_on, suspended_days=days
        )

    def extend_deadline(self, *, period: Period, reason_code: str, on: date, cause: Cause) -> None:
        self._require_undecided("extend the deadline of")
        clock = self._clock_rule(lambda: self.clock.extend(period, reason_code))
        self._record_clock(
            DeadlineExtended,
            cause,
            clock,
            on,
            months=period.months,
            days=period.days,
            **_coded(EXTENSION_GROUNDS, reason_code=reason_code),
            legal_basis_override=clock.extensions[-1].legal_basis,
        )

    def escalate(self, *, escalated_on: date, team: str, reason_code: str, cause: Cause) -> None:
        self._require_undecided("escalate")
        if self.escalated:
            raise CaseRuleViolation("the case is already with the escalation team")
        self._record(
            CaseEscalated,
            cause,
            escalated_on=escalated_on,
            team=team,
            team_catalogue_version=TEAMS.version_id,
            **_coded(ESCALATION_GROUNDS, reason_code=reason_code),
        )

    def resolve_escalation(self, *, resolved_on: date, resolution_code: str, cause: Cause) -> None:
        if not self.escalated:
            raise CaseRuleViolation("the case is not escalated")
        self._record(
            EscalationResolved,
            cause,
            resolved_on=resolved_on,
            **_coded(ESCALATION_RESOLUTIONS, resolution_code=resolution_code),
        )

    def refer_to_prolonged_procedure(self, *, referred_on: date, reason_code: str, cause: Cause) -> None:
        self._require_undecided("refer")
        if not self.steps.prolonged_procedure or self.prolonged:
            raise CaseRuleViolation(
                "only an asylum case in the general procedure can go to the prolonged one"
            )
        self._record(
            CaseReferredToProlongedProcedure,
            cause,
            referred_on=referred_on,
            **_coded(PROLONGATION_GROUNDS, reason_code=reason_code),
        )

    def issue_intended_decision(
        self, *, issued_on: date, response_due_on: date, grounds: list[str], cause: Cause
    ) -> None:
        self._require_undecided("issue an intended decision for")
        if self.intended_decision_due is not None:
            raise CaseRuleViolation(
                f"an intended decision was already issued (response due {self.intended_decision_due})"
            )
        self._require_merits_hearing("an intended decision")
        if response_due_on <= issued_on:
            raise CaseRuleViolation("the response is due after the intended decision is issued")
        self._record(
            IntendedDecisionIssued,
            cause,
            issued_on=issued_on,
            response_due_on=response_due_on,
            **_coded(DECISION_GROUNDS, grounds=grounds),
        )

    def receive_response(self, *, received_on: date, cause: Cause) -> None:
        self._require_undecided("receive a response for")
        if self.intended_decision_due is None:
            raise CaseRuleViolation("a response (zienswijze) answers an intended decision; none was issued")
        if self.response_received:
            raise CaseRuleViolation("the response to the intended decision was already received")
        self._record(ResponseReceived, cause, received_on=received_on)

    def decide(self, *, decided_on: date, outcome: Outcome, grounds: list[str], cause: Cause) -> None:
        self._require_undecided("decide")
        if self.clock.is_suspended:
            raise CaseRuleViolation("information was requested and has not arrived: the clock is suspended")
        self._require_merits_hearing("an asylum decision")
        rejects = outcome is not Outcome.GRANTED
        if rejects and self.steps.intended_decision_before_rejection and self.intended_decision_due is None:
            raise CaseRuleViolation(
                f"a {self.procedure.value} rejection follows an intended decision (voornemen)"
            )
        if (
            self.intended_decision_due
            and not self.response_received
            and decided_on <= self.intended_decision_due
        ):
            raise CaseRuleViolation(f"the response period runs until {self.intended_decision_due}")
        overdue = max(0, (decided_on - self.clock.deadline(today=decided_on)).days)
        self._record(
            DecisionTaken,
            cause,
            decided_on=decided_on,
            outcome=outcome,
            **_coded(DECISION_GROUNDS, grounds=grounds),
            days_overdue=overdue,
        )

    def receive_notice_of_default(self, *, received_on: date, cause: Cause) -> None:
        self._require_undecided("receive a notice of default for")
        deadline = self.clock.deadline(today=received_on)
        if received_on <= deadline:
            raise CaseRuleViolation(f"a notice of default comes after the deadline ({deadline})")
        if self.notice_of_default_on is not None:
            raise CaseRuleViolation(f"a notice of default was received on {self.notice_of_default_on}")
        applies = self.clock.rules.late_decision_penalty
        accrues = accrues_from(received_on) if applies else None
        self._record(
            NoticeOfDefaultReceived,
            cause,
            received_on=received_on,
            penalty_applies=applies,
            penalty_accrues_from=accrues,
        )

    def file_objection(self, *, filed_on: date, objection_case_id: UUID, cause: Cause) -> None:
        self._require_open()
        if self.outcome in (None, Outcome.GRANTED):
            raise CaseRuleViolation("an objection is filed against a decision that rejected something")
        if self.steps.review is not Review.OBJECTION:
            raise CaseRuleViolation(
                f"a {self.procedure.value} decision is appealed in court, not objected to"
            )
        if self.objection_case_id is not None:
            raise CaseRuleViolation(f"an objection is already handled in case {self.objection_case_id}")
        self._record(ObjectionFiled, cause, filed_on=filed_on, objection_case_id=objection_case_id)

    def lodge_appeal(self, *, lodged_on: date, court_code: str, cause: Cause) -> None:
        if self.outcome in (None, Outcome.GRANTED):
            raise CaseRuleViolation("an appeal is lodged against a decision that rejected something")
        self._record(AppealLodged, cause, lodged_on=lodged_on, **_coded(COURTS, court_code=court_code))

    def mark_document_ready(
        self, *, ready_on: date, channel: IssueChannel, location_code: str | None, cause: Cause
    ) -> None:
        self._require_open()
        if (
            self.outcome not in (Outcome.GRANTED, Outcome.PARTLY_GRANTED)
            or not self.steps.residence_document
        ):
            raise CaseRuleViolation("a residence document follows a decision that grants a permit")
        if self.document_channel is not None:
            raise CaseRuleViolation("the document is already ready for issue")
        self._record(
            DocumentReadyForIssue,
            cause,
            ready_on=ready_on,
            channel=channel,
            **_coded(ISSUE_LOCATIONS, location_code=location_code),
        )

    def issue_document(self, *, issued_on: date, cause: Cause) -> None:
        if self.document_channel is None or self.document_issued:
            raise CaseRuleViolation("no document is waiting to be issued")
        self._record(DocumentIssued, cause, issued_on=issued_on, channel=self.document_channel)

    def close(self, *, closed_on: date, reason_code: str, cause: Cause) -> None:
        self._require_open()
        if self.outcome is None:
            raise CaseRuleViolation("a case is closed after its decision")
        if self.document_channel is not None and not self.document_issued:
            raise CaseRuleViolation("the residence document has not reached the applicant yet")
        self._record(
            CaseClosed, cause, closed_on=closed_on, **_coded(CLOSING_GROUNDS, reason_code=reason_code)
        )

    # -- rules and recording ---------------------------------------------------------------------

    @property
    def steps(self) -> RequiredSteps:
        """The steps the procedure requires, from the policy version the case's clock started under."""
        return self.clock.rules.steps

    def _require_open(self) -> None:
        if self.closed:
            raise CaseRuleViolation(f"case {self.id} is closed")
        if self.returned_to_legacy:
            raise CaseRuleViolation(
                f"case {self.id} was returned to the legacy case system: it is worked there"
            )

    def _require_undecided(self, action: str) -> None:
        self._require_open()
        if self.outcome is not None:
            raise CaseRuleViolation(f"cannot {action} case {self.id}: it was decided on {self.decided_on}")

    def _require_merits_hearing(self, what: str) -> None:
        if self.steps.merits_hearing_before_decision and not (self.held & MERITS_HEARINGS):
            raise CaseRuleViolation(f"{what} needs the detailed (or shortened) hearing to have been held")

    @staticmethod
    def _clock_rule(change: Any) -> StatutoryClock:
        try:
            clock: StatutoryClock = change()
        except ClockRuleViolation as error:
            raise CaseRuleViolation(str(error)) from error
        return clock

    def _record_clock(
        self,
        event_class: type[CaseEvent],
        cause: Cause,
        clock: StatutoryClock,
        on: date,
        legal_basis_override: str | None = None,
        **facts: Any,
    ) -> None:
        self._record(
            event_class,
            cause,
            statutory_deadline=clock.deadline(today=on),
            policy_version=clock.policy_version,
            legal_basis=legal_basis_override or _clock_basis(event_class, clock),
            **facts,
        )

    def _record(self, event_class: type[CaseEvent], cause: Cause, **facts: Any) -> None:
        self.trigger_event(event_class, **cause.event_metadata(), **facts)


def _coded(code_list: CodeList, **field: str | list[str] | None) -> dict[str, Any]:
    """A code the case records, with the version of the list it was chosen from."""
    return {**field, "catalogue_version": code_list.current.id}


def _clock_basis(event_class: type[CaseEvent], clock: StatutoryClock) -> str:
    if event_class in (InformationRequested, InformationReceived):
        return "Awb 4:15"
    return clock.legal_basis
