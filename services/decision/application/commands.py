"""Decision's commands, validated at the boundary. Each names the Case method that carries it out; its
fields are that method's arguments."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import Field

from backbone.validation import MethodCommand
from ind.statutory.periods import Period
from services.decision.domain.vocabulary import HearingKind, IssueChannel, Outcome

OFFICER_REF_PATTERN = r"^O-[0-9a-f]{16}$"


class CaseCommand(MethodCommand):
    resource: ClassVar[str]  # the HTTP resource: POST /v1/cases/{case_id}/<resource>


class AssignCase(CaseCommand):
    """Assign the case to a team and a (pseudonymous) officer."""

    resource = "assignments"
    method = "assign"
    team: str = Field(min_length=1, max_length=64)
    officer_ref: str = Field(pattern=OFFICER_REF_PATTERN, description="Pseudonymous: O- and 16 hex digits.")


class ScheduleHearing(CaseCommand):
    """Plan a hearing: registration or detailed (asylum), or shortened."""

    resource = "scheduled-hearings"
    method = "schedule_hearing"
    kind: HearingKind
    scheduled_for: date
    remote: bool = Field(default=False, description="Held remotely (telehoren).")


class HoldHearing(CaseCommand):
    """Record that a scheduled hearing took place."""

    resource = "held-hearings"
    method, dated = "hold_hearing", ("held_on",)
    kind: HearingKind
    held_on: date
    remote: bool = False


class RequestInformation(CaseCommand):
    """Ask the applicant for information; suspends the statutory clock (Awb 4:15)."""

    resource = "information-requests"
    method, dated = "request_information", ("requested_on",)
    requested_on: date
    due_on: date
    subject: str = Field(min_length=1, max_length=64, description="What is asked for, as a code.")


class ReceiveInformation(CaseCommand):
    """The requested information arrived; the clock runs again."""

    resource = "information-receipts"
    method, dated = "receive_information", ("received_on",)
    received_on: date


class ExtendDeadline(CaseCommand):
    """Extend the statutory period, within the procedure's cap."""

    resource = "deadline-extensions"
    method, dated = "extend_deadline", ("on",)
    on: date
    months: int = Field(default=0, ge=0, le=21)
    days: int = Field(default=0, ge=0, le=366)
    reason: str = Field(min_length=1, max_length=200)

    def arguments(self) -> dict[str, Any]:
        return {"on": self.on, "period": Period(self.months, self.days), "reason": self.reason}


class EscalateCase(CaseCommand):
    """Hand a stuck case to the escalation team (knopendoorhakteam)."""

    resource = "escalations"
    method, dated = "escalate", ("escalated_on",)
    escalated_on: date
    team: str = Field(default="knopendoorhakteam", max_length=64)
    reason: str = Field(min_length=1, max_length=200)


class ResolveEscalation(CaseCommand):
    """The escalation team unblocked the case."""

    resource = "escalation-resolutions"
    method, dated = "resolve_escalation", ("resolved_on",)
    resolved_on: date
    resolution: str = Field(min_length=1, max_length=200)


class ReferToProlongedProcedure(CaseCommand):
    """Refer an asylum case to the prolonged procedure (VA)."""

    resource = "prolonged-procedure-referrals"
    method, dated = "refer_to_prolonged_procedure", ("referred_on",)
    referred_on: date
    reason: str = Field(min_length=1, max_length=200)


class IssueIntendedDecision(CaseCommand):
    """Issue an intended decision (voornemen): the intent to reject."""

    resource = "intended-decisions"
    method, dated = "issue_intended_decision", ("issued_on",)
    issued_on: date
    response_due_on: date
    grounds: list[str] = Field(min_length=1)


class ReceiveResponse(CaseCommand):
    """Record the lawyer's response (zienswijze) to the intended decision."""

    resource = "responses"
    method, dated = "receive_response", ("received_on",)
    received_on: date


class TakeDecision(CaseCommand):
    """Decide (beschikking): granted, rejected or partly granted."""

    resource = "decisions"
    method, dated = "decide", ("decided_on",)
    decided_on: date
    outcome: Outcome
    grounds: list[str] = Field(default_factory=list)


class ReceiveNoticeOfDefault(CaseCommand):
    """Record a notice of default (ingebrekestelling) after the deadline."""

    resource = "notices-of-default"
    method, dated = "receive_notice_of_default", ("received_on",)
    received_on: date


class FileObjection(CaseCommand):
    """File an objection (bezwaar); opens an objection case linked to this one."""

    resource = "objections"
    method, dated = "file_objection", ("filed_on",)
    filed_on: date


class LodgeAppeal(CaseCommand):
    """Record an appeal (beroep) lodged in court against the decision."""

    resource = "appeals"
    method, dated = "lodge_appeal", ("lodged_on",)
    lodged_on: date
    court: str = Field(min_length=1, max_length=100)


class MarkDocumentReady(CaseCommand):
    """The residence document is ready: at a desk, an expat centre or by courier."""

    resource = "documents-ready"
    method, dated = "mark_document_ready", ("ready_on",)
    ready_on: date
    channel: IssueChannel
    location: str | None = Field(default=None, max_length=100)


class IssueDocument(CaseCommand):
    """The residence document reached the applicant."""

    resource = "document-issues"
    method, dated = "issue_document", ("issued_on",)
    issued_on: date


class CloseCase(CaseCommand):
    """Close a decided case (its document, if any, issued)."""

    resource = "closures"
    method, dated = "close", ("closed_on",)
    closed_on: date
    reason: str = Field(default="decided", max_length=200)


COMMANDS: dict[str, type[CaseCommand]] = {
    "assign": AssignCase,
    "schedule-hearing": ScheduleHearing,
    "hold-hearing": HoldHearing,
    "request-information": RequestInformation,
    "receive-information": ReceiveInformation,
    "extend-deadline": ExtendDeadline,
    "escalate": EscalateCase,
    "resolve-escalation": ResolveEscalation,
    "refer-to-prolonged-procedure": ReferToProlongedProcedure,
    "issue-intended-decision": IssueIntendedDecision,
    "receive-response": ReceiveResponse,
    "decide": TakeDecision,
    "receive-notice-of-default": ReceiveNoticeOfDefault,
    "file-objection": FileObjection,
    "lodge-appeal": LodgeAppeal,
    "mark-document-ready": MarkDocumentReady,
    "issue-document": IssueDocument,
    "close": CloseCase,
}
