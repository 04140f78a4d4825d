"""What each of decision's commands does to a case; the table at the bottom is the whole routing.

A handler changes cases in memory (the Case checks its rules and records events) and returns the cases
it changed, which the service saves in one transaction: the case itself, and for an objection the
objection case it opens.
"""

from __future__ import annotations

from uuid import uuid5

from backbone.command_handlers import handler_table, on
from backbone.events import Cause
from services.decision.application.commands import (
    AssignCase,
    CloseCase,
    EscalateCase,
    ExtendDeadline,
    FileObjection,
    HoldHearing,
    IssueDocument,
    IssueIntendedDecision,
    LodgeAppeal,
    MarkDocumentReady,
    ReceiveInformation,
    ReceiveNoticeOfDefault,
    ReceiveResponse,
    ReferToProlongedProcedure,
    RequestInformation,
    ResolveEscalation,
    ScheduleHearing,
    TakeDecision,
)
from services.decision.domain.case import Case


def assign_case(case: Case, command: AssignCase, cause: Cause) -> list[Case]:
    case.assign(team=command.team, officer_ref=command.officer_ref, cause=cause)
    return [case]


def schedule_hearing(case: Case, command: ScheduleHearing, cause: Cause) -> list[Case]:
    case.schedule_hearing(
        kind=command.kind, scheduled_for=command.scheduled_for, remote=command.remote, cause=cause
    )
    return [case]


def hold_hearing(case: Case, command: HoldHearing, cause: Cause) -> list[Case]:
    case.hold_hearing(kind=command.kind, held_on=command.held_on, remote=command.remote, cause=cause)
    return [case]


def request_information(case: Case, command: RequestInformation, cause: Cause) -> list[Case]:
    case.request_information(
        requested_on=command.requested_on,
        due_on=command.due_on,
        subject_code=command.subject_code,
        cause=cause,
    )
    return [case]


def receive_information(case: Case, command: ReceiveInformation, cause: Cause) -> list[Case]:
    case.receive_information(received_on=command.received_on, cause=cause)
    return [case]


def extend_deadline(case: Case, command: ExtendDeadline, cause: Cause) -> list[Case]:
    case.extend_deadline(period=command.period, reason_code=command.reason_code, on=command.on, cause=cause)
    return [case]


def escalate_case(case: Case, command: EscalateCase, cause: Cause) -> list[Case]:
    case.escalate(
        escalated_on=command.escalated_on, team=command.team, reason_code=command.reason_code, cause=cause
    )
    return [case]


def resolve_escalation(case: Case, command: ResolveEscalation, cause: Cause) -> list[Case]:
    case.resolve_escalation(
        resolved_on=command.resolved_on, resolution_code=command.resolution_code, cause=cause
    )
    return [case]


def refer_to_prolonged_procedure(
    case: Case, command: ReferToProlongedProcedure, cause: Cause
) -> list[Case]:
    case.refer_to_prolonged_procedure(
        referred_on=command.referred_on, reason_code=command.reason_code, cause=cause
    )
    return [case]


def issue_intended_decision(case: Case, command: IssueIntendedDecision, cause: Cause) -> list[Case]:
    case.issue_intended_decision(
        issued_on=command.issued_on,
        response_due_on=command.response_due_on,
        grounds=command.grounds,
        cause=cause,
    )
    return [case]


def receive_response(case: Case, command: ReceiveResponse, cause: Cause) -> list[Case]:
    case.receive_response(received_on=command.received_on, cause=cause)
    return [case]


def take_decision(case: Case, command: TakeDecision, cause: Cause) -> list[Case]:
    case.decide(
        decided_on=command.decided_on, outcome=command.outcome, grounds=command.grounds, cause=cause
    )
    return [case]


def receive_notice_of_default(case: Case, command: ReceiveNoticeOfDefault, cause: Cause) -> list[Case]:
    case.receive_notice_of_default(received_on=command.received_on, cause=cause)
    return [case]


def file_objection(case: Case, command: FileObjection, cause: Cause) -> list[Case]:
    """The objection is recorded on the case and handled in a case of its own, opened with it."""
    objection_id = uuid5(case.id, f"objection/{command.filed_on}")
    case.file_objection(filed_on=command.filed_on, objection_case_id=objection_id, cause=cause)
    objection = Case.open_objection(
        case_id=objection_id, against=case, filed_on=command.filed_on, cause=cause
    )
    return [case, objection]


def lodge_appeal(case: Case, command: LodgeAppeal, cause: Cause) -> list[Case]:
    case.lodge_appeal(lodged_on=command.lodged_on, court_code=command.court_code, cause=cause)
    return [case]


def mark_document_ready(case: Case, command: MarkDocumentReady, cause: Cause) -> list[Case]:
    case.mark_document_ready(
        ready_on=command.ready_on, channel=command.channel, location_code=command.location_code, cause=cause
    )
    return [case]


def issue_document(case: Case, command: IssueDocument, cause: Cause) -> list[Case]:
    case.issue_document(issued_on=command.issued_on, cause=cause)
    return [case]


def close_case(case: Case, command: CloseCase, cause: Cause) -> list[Case]:
    case.close(closed_on=command.closed_on, reason_code=command.reason_code, cause=cause)
    return [case]


COMMAND_HANDLERS = handler_table(
    on(AssignCase, assign_case),
    on(ScheduleHearing, schedule_hearing),
    on(HoldHearing, hold_hearing),
    on(RequestInformation, request_information),
    on(ReceiveInformation, receive_information),
    on(ExtendDeadline, extend_deadline),
    on(EscalateCase, escalate_case),
    on(ResolveEscalation, resolve_escalation),
    on(ReferToProlongedProcedure, refer_to_prolonged_procedure),
    on(IssueIntendedDecision, issue_intended_decision),
    on(ReceiveResponse, receive_response),
    on(TakeDecision, take_decision),
    on(ReceiveNoticeOfDefault, receive_notice_of_default),
    on(FileObjection, file_objection),
    on(LodgeAppeal, lodge_appeal),
    on(MarkDocumentReady, mark_document_ready),
    on(IssueDocument, issue_document),
    on(CloseCase, close_case),
)
