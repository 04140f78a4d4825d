"""Decision's commands, validated at the boundary; ``handlers.py`` says what each does to a case. An
action name (as the CLI and the simulator give it) and its fields are parsed into a command here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

from pydantic import Field

from backbone.validation import Command, parse_action
from ind.statutory.catalogue import IND_CATALOGUE
from ind.statutory.periods import Period
from services.decision.application.code_fields import (
    NOTE_MAX_LENGTH,
    ClosingGround,
    Court,
    DecisionGround,
    EscalationGround,
    EscalationResolution,
    ExtensionGround,
    InformationSubject,
    IssueLocation,
    ProlongationGround,
    Team,
)
from services.decision.domain.vocabulary import HearingKind, IssueChannel, Outcome

OFFICER_REF_PATTERN = r"^O-[0-9a-f]{16}$"


class CaseCommand(Command):
    resource: ClassVar[str]  # the HTTP resource: POST /v1/cases/{case_id}/<resource>
    first_day = IND_CATALOGUE.first_day  # no case has a day before the catalogue's first policy


class NotedCommand(CaseCommand):
    """A command whose code may come with the caseworker's own words: the note stays in decision's
    store, encrypted under the applicant's key, and never goes on the bus."""

    note: str | None = Field(
        default=None,
        min_length=1,
        max_length=NOTE_MAX_LENGTH,
        description="Free text for the case file: kept encrypted under the applicant's key in decision's "
        "own store (destroyed by `backbone privacy forget`), never in an event or a log.",
    )


class AssignCase(CaseCommand):
    """Assign the case to a team and a (pseudonymous) officer."""

    resource = "assignments"
    team: Team
    officer_ref: str = Field(pattern=OFFICER_REF_PATTERN, description="Pseudonymous: O- and 16 hex digits.")


class ScheduleHearing(CaseCommand):
    """Plan a hearing: registration or detailed (asylum), or shortened."""

    resource = "scheduled-hearings"
    kind: HearingKind
    scheduled_for: date
    remote: bool = Field(default=False, description="Held remotely (telehoren).")


class HoldHearing(CaseCommand):
    """Record that a scheduled hearing took place."""

    resource = "held-hearings"
    dated = ("held_on",)
    kind: HearingKind
    held_on: date
    remote: bool = False


class RequestInformation(NotedCommand):
    """Ask the applicant for information; suspends the statutory clock (Awb 4:15)."""

    resource = "information-requests"
    dated = ("requested_on",)
    requested_on: date
    due_on: date
    subject_code: InformationSubject


class ReceiveInformation(CaseCommand):
    """The requested information arrived; the clock runs again."""

    resource = "information-receipts"
    dated = ("received_on",)
    received_on: date


class ExtendDeadline(NotedCommand):
    """Extend the statutory period, within the procedure's cap."""

    resource = "deadline-extensions"
    dated = ("on",)
    on: date
    months: int = Field(default=0, ge=0, le=21)
    days: int = Field(default=0, ge=0, le=366)
    reason_code: ExtensionGround

    @property
    def period(self) -> Period:
        return Period(self.months, self.days)


class EscalateCase(NotedCommand):
    """Hand a stuck case to the escalation team (knopendoorhakteam)."""

    resource = "escalations"
    dated = ("escalated_on",)
    escalated_on: date
    team: Team = "knopendoorhakteam"
    reason_code: EscalationGround


class ResolveEscalation(NotedCommand):
    """The escalation team unblocked the case."""

    resource = "escalation-resolutions"
    dated = ("resolved_on",)
    resolved_on: date
    resolution_code: EscalationResolution


class ReferToProlongedProcedure(NotedCommand):
    """Refer an asylum case to the prolonged procedure (VA)."""

    resource = "prolonged-procedure-referrals"
    dated = ("referred_on",)
    referred_on: date
    reason_code: ProlongationGround


class IssueIntendedDecision(CaseCommand):
    """Issue an intended decision (voornemen): the intent to reject."""

    resource = "intended-decisions"
    dated = ("issued_on",)
    issued_on: date
    response_due_on: date
    grounds: list[DecisionGround] = Field(min_length=1)


class ReceiveResponse(CaseCommand):
    """Record the lawyer's response (zienswijze) to the intended decision."""

    resource = "responses"
    dated = ("received_on",)
    received_on: date


class TakeDecision(CaseCommand):
    """Decide (beschikking): granted, rejected or partly granted."""

    resource = "decisions"
    dated = ("decided_on",)
    decided_on: date
    outcome: Outcome
    grounds: list[DecisionGround] = Field(default_factory=list)


class ReceiveNoticeOfDefault(CaseCommand):
    """Record a notice of default (ingebrekestelling) after the deadline."""

    resource = "notices-of-default"
    dated = ("received_on",)
    received_on: date


class FileObjection(CaseCommand):
    """File an objection (bezwaar); opens an objection case linked to this one."""

    resource = "objections"
    dated = ("filed_on",)
    filed_on: date


class LodgeAppeal(NotedCommand):
    """Record an appeal (beroep) lodged in court against the decision."""

    resource = "appeals"
    dated = ("lodged_on",)
    lodged_on: date
    court_code: Court


class MarkDocumentReady(NotedCommand):
    """The residence document is ready: at a desk, an expat centre or by courier."""

    resource = "documents-ready"
    dated = ("ready_on",)
    ready_on: date
    channel: IssueChannel
    location_code: IssueLocation | None = None


class IssueDocument(CaseCommand):
    """The residence document reached the applicant."""

    resource = "document-issues"
    dated = ("issued_on",)
    issued_on: date


class CloseCase(NotedCommand):
    """Close a decided case (its document, if any, issued)."""

    resource = "closures"
    dated = ("closed_on",)
    closed_on: date
    reason_code: ClosingGround = "decided"


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


def parse_case_command(action: str, fields: Mapping[str, Any]) -> CaseCommand:
    """The command an action and its fields make; an ``InvalidCommand`` names each field and rule broken."""
    return parse_action(COMMANDS, action, fields)
