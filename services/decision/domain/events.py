"""What happens to a case (zaak) in decision. Each class is the Avro record of the same name; ``apply`` is
how the Case aggregate changes, the rules are in ``case.py``. No event holds free text: what a caseworker
chose is a code with the version of its code list (``ind.codes``); their own words stay in a note."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from backbone.events import CaseCreated, CaseEvent
from ind.procedures import Procedure
from ind.statutory.clock import StatutoryClock
from ind.statutory.legacy_state import legacy_statutory_clock
from ind.statutory.periods import Period
from services.decision.domain.vocabulary import HearingKind, IssueChannel, Outcome

if TYPE_CHECKING:  # the aggregate imports its events
    from services.decision.domain.case import Case


class CaseOpened(CaseCreated):
    """A case was opened: for an accepted application (same id) or for an objection."""

    TOPIC = "nl.ind.decision.CaseOpened"
    AGGREGATE_TOPIC = "nl.ind.decision.Case"

    procedure: Procedure
    received_on: date
    statutory_deadline: date
    clock_started_on: date
    policy_version: str
    legal_basis: str
    suspended_days: int
    objected_case_id: UUID | None
    applicant_ref: str  # pseudonymous: whose key the case's notes are encrypted under

    def apply(self, aggregate: Case) -> None:
        a = aggregate
        a.procedure, a.received_on, a.objected_case_id, a.applicant_ref = (
            self.procedure,
            self.received_on,
            self.objected_case_id,
            self.applicant_ref,
        )
        a.clock = StatutoryClock.handed_over(
            self.procedure, self.clock_started_on, self.policy_version, self.suspended_days
        )
        a.statutory_deadline = self.statutory_deadline
        a.team = a.officer_ref = None
        _no_work_done_yet(a)


def _no_work_done_yet(a: Case) -> None:
    """A case as it starts in the backbone: no hearing, decision, document or objection yet."""
    a.scheduled, a.held = set(), set()
    a.escalated = a.prolonged = False
    a.intended_decision_due = None
    a.response_received = False
    a.outcome = a.decided_on = a.notice_of_default_on = None
    a.document_channel = None
    a.document_issued = a.closed = a.returned_to_legacy = False
    a.objection_case_id = None


class CaseTakenOverFromLegacy(CaseCreated):
    """A case in flight in the legacy case system became a backbone case at a cutover, keeping its id
    (``legacy_case_id(zaaknummer)``) and its statutory clock: received on, policy version, the days of
    its ended suspensions, an open suspension, an extension (docs/legacy.md, "Cutover")."""

    TOPIC = "nl.ind.decision.CaseTakenOverFromLegacy"
    AGGREGATE_TOPIC = "nl.ind.decision.Case"

    zaaknummer: str
    cutover_id: UUID
    procedure: Procedure
    received_on: date
    policy_version: str
    legal_basis: str
    statutory_deadline: date
    stage: str  # the legacy case's stage at the cutover, in the tower's words
    suspended_days: int
    suspended_since: date | None
    extended: bool
    days_used: int
    team_code: str | None
    applicant_ref: str

    def apply(self, aggregate: Case) -> None:
        a = aggregate
        a.procedure, a.received_on, a.applicant_ref = self.procedure, self.received_on, self.applicant_ref
        a.objected_case_id = None
        a.clock = legacy_statutory_clock(
            self.procedure,
            self.received_on,
            self.policy_version,
            self.suspended_days,
            self.extended,
            self.suspended_since,
        )
        a.statutory_deadline = self.statutory_deadline
        a.team, a.officer_ref = self.team_code, None
        _no_work_done_yet(a)


class CaseReturnedToLegacy(CaseEvent):
    """A cutover was rolled back: the legacy case system owns the case again; the backbone takes no
    more commands for it (events cannot be deleted, so this one says so)."""

    TOPIC = "nl.ind.decision.CaseReturnedToLegacy"
    zaaknummer: str
    cutover_id: UUID
    returned_on: date

    def apply(self, aggregate: Case) -> None:
        aggregate.returned_to_legacy = True


class ClockEvent(CaseEvent):
    statutory_deadline: date
    policy_version: str
    legal_basis: str


class CaseAssigned(CaseEvent):
    TOPIC = "nl.ind.decision.CaseAssigned"
    team: str
    officer_ref: str
    catalogue_version: str  # of the teams

    def apply(self, aggregate: Case) -> None:
        aggregate.team, aggregate.officer_ref = self.team, self.officer_ref


class HearingScheduled(CaseEvent):
    TOPIC = "nl.ind.decision.HearingScheduled"
    kind: HearingKind
    scheduled_for: date
    remote: bool

    def apply(self, aggregate: Case) -> None:
        aggregate.scheduled = aggregate.scheduled | {self.kind}


class HearingHeld(CaseEvent):
    TOPIC = "nl.ind.decision.HearingHeld"
    kind: HearingKind
    held_on: date
    remote: bool

    def apply(self, aggregate: Case) -> None:
        aggregate.held = aggregate.held | {self.kind}


class InformationRequested(ClockEvent):
    TOPIC = "nl.ind.decision.InformationRequested"
    requested_on: date
    due_on: date
    subject_code: str
    catalogue_version: str

    def apply(self, aggregate: Case) -> None:
        aggregate.clock = aggregate.clock.suspend(self.requested_on, self.subject_code, self.legal_basis)
        aggregate.statutory_deadline = self.statutory_deadline


class InformationReceived(ClockEvent):
    TOPIC = "nl.ind.decision.InformationReceived"
    received_on: date
    suspended_days: int

    def apply(self, aggregate: Case) -> None:
        aggregate.clock = aggregate.clock.resume(self.received_on)
        aggregate.statutory_deadline = self.statutory_deadline


class DeadlineExtended(ClockEvent):
    TOPIC = "nl.ind.decision.DeadlineExtended"
    months: int
    days: int
    reason_code: str
    catalogue_version: str

    def apply(self, aggregate: Case) -> None:
        aggregate.clock = aggregate.clock.extend(Period(self.months, self.days), self.reason_code)
        aggregate.statutory_deadline = self.statutory_deadline


class CaseEscalated(CaseEvent):
    TOPIC = "nl.ind.decision.CaseEscalated"
    escalated_on: date
    team: str
    reason_code: str
    catalogue_version: str  # of the escalation grounds
    team_catalogue_version: str

    def apply(self, aggregate: Case) -> None:
        aggregate.escalated = True


class EscalationResolved(CaseEvent):
    TOPIC = "nl.ind.decision.EscalationResolved"
    resolved_on: date
    resolution_code: str
    catalogue_version: str

    def apply(self, aggregate: Case) -> None:
        aggregate.escalated = False


class CaseReferredToProlongedProcedure(CaseEvent):
    TOPIC = "nl.ind.decision.CaseReferredToProlongedProcedure"
    referred_on: date
    reason_code: str
    catalogue_version: str

    def apply(self, aggregate: Case) -> None:
        aggregate.prolonged = True


class IntendedDecisionIssued(CaseEvent):
    TOPIC = "nl.ind.decision.IntendedDecisionIssued"
    issued_on: date
    response_due_on: date
    grounds: list[str]
    catalogue_version: str  # of the decision grounds

    def apply(self, aggregate: Case) -> None:
        aggregate.intended_decision_due = self.response_due_on


class ResponseReceived(CaseEvent):
    TOPIC = "nl.ind.decision.ResponseReceived"
    received_on: date

    def apply(self, aggregate: Case) -> None:
        aggregate.response_received = True


class DecisionTaken(CaseEvent):
    TOPIC = "nl.ind.decision.DecisionTaken"
    decided_on: date
    outcome: Outcome
    grounds: list[str]
    catalogue_version: str  # of the decision grounds
    days_overdue: int

    def apply(self, aggregate: Case) -> None:
        aggregate.outcome, aggregate.decided_on = self.outcome, self.decided_on


class NoticeOfDefaultReceived(CaseEvent):
    TOPIC = "nl.ind.decision.NoticeOfDefaultReceived"
    received_on: date
    penalty_applies: bool
    penalty_accrues_from: date | None

    def apply(self, aggregate: Case) -> None:
        aggregate.notice_of_default_on = self.received_on


class ObjectionFiled(CaseEvent):
    TOPIC = "nl.ind.decision.ObjectionFiled"
    filed_on: date
    objection_case_id: UUID

    def apply(self, aggregate: Case) -> None:
        aggregate.objection_case_id = self.objection_case_id


class AppealLodged(CaseEvent):
    TOPIC = "nl.ind.decision.AppealLodged"
    lodged_on: date
    court_code: str
    catalogue_version: str


class DocumentReadyForIssue(CaseEvent):
    TOPIC = "nl.ind.decision.DocumentReadyForIssue"
    ready_on: date
    channel: IssueChannel
    location_code: str | None
    catalogue_version: str

    def apply(self, aggregate: Case) -> None:
        aggregate.document_channel = self.channel


class DocumentIssued(CaseEvent):
    TOPIC = "nl.ind.decision.DocumentIssued"
    issued_on: date
    channel: IssueChannel

    def apply(self, aggregate: Case) -> None:
        aggregate.document_issued = True


class CaseClosed(CaseEvent):
    TOPIC = "nl.ind.decision.CaseClosed"
    closed_on: date
    reason_code: str
    catalogue_version: str

    def apply(self, aggregate: Case) -> None:
        aggregate.closed = True
