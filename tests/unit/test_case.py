"""The Case aggregate's rules: what decision may and may not do to a case."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest

from backbone.events import Cause
from ind.codes.grounds import ESCALATION_GROUNDS
from ind.codes.teams import TEAMS
from ind.procedures import Procedure
from ind.statutory.clock import StatutoryClock
from ind.statutory.periods import Period
from services.decision.domain.case import Case, CaseRuleViolation
from services.decision.domain.events import (
    CaseAssigned,
    CaseEscalated,
    DecisionTaken,
    InformationReceived,
    InformationRequested,
    NoticeOfDefaultReceived,
)
from services.decision.domain.vocabulary import HearingKind, IssueChannel, Outcome
from tests.factories import NOW

CAUSE = Cause(NOW, "corr")
STARTED = date(2026, 3, 2)


def opened(procedure: Procedure = Procedure.FAMILY, started: date = STARTED) -> Case:
    clock = StatutoryClock.start(procedure, started)
    case = Case.open(
        case_id=uuid4(),
        procedure=procedure,
        received_on=started,
        statutory_deadline=clock.deadline(started),
        clock_started_on=started,
        policy_version=clock.policy_version,
        legal_basis=clock.legal_basis,
        applicant_ref="P-0123456789abcdef",
        cause=CAUSE,
    )
    case.collect_events()
    return case


def heard(case: Case) -> Case:
    case.schedule_hearing(kind=HearingKind.DETAILED, scheduled_for=STARTED, remote=False, cause=CAUSE)
    case.hold_hearing(kind=HearingKind.DETAILED, held_on=STARTED, remote=False, cause=CAUSE)
    return case


def decided(case: Case, outcome: Outcome = Outcome.GRANTED, on: date = date(2026, 4, 1)) -> Case:
    case.decide(decided_on=on, outcome=outcome, grounds=[], cause=CAUSE)
    return case


def test_an_asylum_decision_before_the_detailed_hearing_is_refused() -> None:
    case = opened(Procedure.ASYLUM)
    with pytest.raises(CaseRuleViolation, match="detailed"):
        case.decide(decided_on=STARTED, outcome=Outcome.GRANTED, grounds=[], cause=CAUSE)
    assert case.collect_events() == []
    decided(heard(case))
    assert isinstance(case.collect_events()[-1], DecisionTaken)


def test_an_asylum_rejection_needs_an_intended_decision_and_waits_for_the_response() -> None:
    case = heard(opened(Procedure.ASYLUM))
    with pytest.raises(CaseRuleViolation, match="voornemen"):
        case.decide(
            decided_on=STARTED, outcome=Outcome.REJECTED, grounds=["requirements_not_met"], cause=CAUSE
        )
    case.issue_intended_decision(
        issued_on=STARTED, response_due_on=date(2026, 3, 9), grounds=["requirements_not_met"], cause=CAUSE
    )
    with pytest.raises(CaseRuleViolation, match="response period runs until 2026-03-09"):
        case.decide(
            decided_on=date(2026, 3, 5),
            outcome=Outcome.REJECTED,
            grounds=["requirements_not_met"],
            cause=CAUSE,
        )
    case.receive_response(received_on=date(2026, 3, 5), cause=CAUSE)
    case.decide(
        decided_on=date(2026, 3, 6), outcome=Outcome.REJECTED, grounds=["requirements_not_met"], cause=CAUSE
    )


def test_a_response_before_an_intended_decision_is_refused() -> None:
    with pytest.raises(CaseRuleViolation, match="none was issued"):
        opened().receive_response(received_on=STARTED, cause=CAUSE)


def test_deciding_a_closed_case_is_refused() -> None:
    case = decided(opened())
    case.close(closed_on=date(2026, 4, 2), reason_code="decided", cause=CAUSE)
    with pytest.raises(CaseRuleViolation, match="closed"):
        case.decide(decided_on=date(2026, 4, 3), outcome=Outcome.GRANTED, grounds=[], cause=CAUSE)
    with pytest.raises(CaseRuleViolation, match="closed"):
        case.assign(team="family-1", officer_ref="O-0000000000000001", cause=CAUSE)


def test_information_requested_suspends_and_moves_the_deadline() -> None:
    case = opened(Procedure.FAMILY)  # 90 days after 2 March 2026: 31 May, a Sunday: 1 June
    assert case.statutory_deadline == date(2026, 6, 1)
    case.request_information(
        requested_on=date(2026, 3, 10), due_on=date(2026, 3, 24), subject_code="income_proof", cause=CAUSE
    )
    with pytest.raises(CaseRuleViolation, match="suspended"):
        case.decide(decided_on=date(2026, 3, 12), outcome=Outcome.GRANTED, grounds=[], cause=CAUSE)
    case.receive_information(received_on=date(2026, 3, 20), cause=CAUSE)
    requested, received = case.collect_events()
    assert isinstance(requested, InformationRequested) and requested.legal_basis == "Awb 4:15"
    assert isinstance(received, InformationReceived) and received.suspended_days == 10
    assert received.statutory_deadline == date(2026, 6, 10) == case.statutory_deadline


def test_overlapping_suspensions_are_refused() -> None:
    case = opened()
    case.request_information(
        requested_on=date(2026, 3, 10), due_on=date(2026, 3, 24), subject_code="income_proof", cause=CAUSE
    )
    with pytest.raises(CaseRuleViolation, match="overlap"):
        case.request_information(
            requested_on=date(2026, 3, 11),
            due_on=date(2026, 3, 25),
            subject_code="housing_proof",
            cause=CAUSE,
        )


def test_an_extension_above_the_cap_is_refused_and_one_within_it_is_recorded() -> None:
    case = opened(Procedure.FAMILY)
    with pytest.raises(CaseRuleViolation, match="cap of 90 days"):
        case.extend_deadline(period=Period(days=120), reason_code="complex_case", on=STARTED, cause=CAUSE)
    case.extend_deadline(period=Period(days=90), reason_code="complex_case", on=STARTED, cause=CAUSE)
    (extended,) = case.collect_events()
    assert extended.legal_basis == "Vw 2000 art. 25(2)"  # type: ignore[attr-defined]
    assert case.statutory_deadline == date(2026, 8, 31)


def test_a_notice_of_default_after_the_deadline_starts_the_penalty_two_weeks_later() -> None:
    case = opened(Procedure.FAMILY)
    with pytest.raises(CaseRuleViolation, match="after the deadline"):
        case.receive_notice_of_default(received_on=date(2026, 5, 1), cause=CAUSE)
    case.receive_notice_of_default(received_on=date(2026, 6, 2), cause=CAUSE)
    (notice,) = case.collect_events()
    assert isinstance(notice, NoticeOfDefaultReceived)
    assert notice.penalty_applies and notice.penalty_accrues_from == date(2026, 6, 17)


def test_there_is_no_penalty_for_late_asylum_decisions() -> None:
    case = opened(Procedure.ASYLUM)
    case.receive_notice_of_default(received_on=date(2026, 9, 10), cause=CAUSE)
    (notice,) = case.collect_events()
    assert not notice.penalty_applies and notice.penalty_accrues_from is None  # type: ignore[attr-defined]


def test_a_late_decision_records_how_late_it_was() -> None:
    case = decided(opened(Procedure.STUDY), on=date(2026, 5, 11))  # deadline 1 May 2026
    assert case.collect_events()[-1].days_overdue == 10  # type: ignore[attr-defined]


def test_an_objection_opens_a_case_whose_clock_starts_after_the_objection_period() -> None:
    case = decided(opened(Procedure.FAMILY), Outcome.REJECTED, on=date(2026, 4, 1))
    objection_id = uuid4()
    case.file_objection(filed_on=date(2026, 4, 10), objection_case_id=objection_id, cause=CAUSE)
    objection = Case.open_objection(
        case_id=objection_id, against=case, filed_on=date(2026, 4, 10), cause=Cause(NOW, "c")
    )
    assert objection.procedure is Procedure.OBJECTION and objection.objected_case_id == case.id
    assert objection.clock.started_on == date(2026, 4, 30)  # the day after 4 weeks from the decision
    assert objection.statutory_deadline == date(2026, 6, 11)  # 6 weeks (Awb 7:10)
    with pytest.raises(CaseRuleViolation, match="already handled"):
        case.file_objection(filed_on=date(2026, 4, 11), objection_case_id=uuid4(), cause=CAUSE)


def test_a_granted_decision_cannot_be_objected_to_and_asylum_goes_to_court() -> None:
    with pytest.raises(CaseRuleViolation, match="rejected something"):
        decided(opened()).file_objection(filed_on=date(2026, 4, 2), objection_case_id=uuid4(), cause=CAUSE)
    asylum = heard(opened(Procedure.ASYLUM))
    asylum.issue_intended_decision(
        issued_on=STARTED, response_due_on=date(2026, 3, 9), grounds=["requirements_not_met"], cause=CAUSE
    )
    asylum.receive_response(received_on=date(2026, 3, 4), cause=CAUSE)
    decided(asylum, Outcome.REJECTED)
    with pytest.raises(CaseRuleViolation, match="appealed in court"):
        asylum.file_objection(filed_on=date(2026, 4, 2), objection_case_id=uuid4(), cause=CAUSE)
    asylum.lodge_appeal(lodged_on=date(2026, 4, 8), court_code="rb-den-haag", cause=CAUSE)


def test_a_granted_case_closes_once_its_document_is_issued() -> None:
    case = decided(opened(Procedure.HIGHLY_SKILLED_MIGRANT))
    case.mark_document_ready(
        ready_on=date(2026, 4, 3),
        channel=IssueChannel.EXPAT_CENTRE,
        location_code="expat-centre-eindhoven",
        cause=CAUSE,
    )
    with pytest.raises(CaseRuleViolation, match="not reached the applicant"):
        case.close(closed_on=date(2026, 4, 4), reason_code="decided", cause=CAUSE)
    case.issue_document(issued_on=date(2026, 4, 8), cause=CAUSE)
    case.close(closed_on=date(2026, 4, 8), reason_code="decided", cause=CAUSE)
    assert case.closed and case.version == 5  # opened, decided, ready, issued, closed


def test_registration_and_detailed_hearings_belong_to_asylum_as_the_catalogue_says() -> None:
    with pytest.raises(CaseRuleViolation, match="not part of the family procedure"):
        opened().schedule_hearing(
            kind=HearingKind.DETAILED, scheduled_for=STARTED, remote=True, cause=CAUSE
        )
    opened().schedule_hearing(
        kind=HearingKind.SHORTENED, scheduled_for=STARTED + timedelta(days=3), remote=True, cause=CAUSE
    )


def test_escalation_and_the_prolonged_procedure() -> None:
    case = opened(Procedure.ASYLUM)
    case.escalate(
        escalated_on=STARTED, team="knopendoorhakteam", reason_code="statutory_term_exceeded", cause=CAUSE
    )
    with pytest.raises(CaseRuleViolation, match="already with the escalation team"):
        case.escalate(
            escalated_on=STARTED, team="knopendoorhakteam", reason_code="complex_case", cause=CAUSE
        )
    case.resolve_escalation(resolved_on=STARTED, resolution_code="hearing_planned", cause=CAUSE)
    case.refer_to_prolonged_procedure(referred_on=STARTED, reason_code="medical_advice", cause=CAUSE)
    with pytest.raises(CaseRuleViolation, match="prolonged"):
        case.refer_to_prolonged_procedure(referred_on=STARTED, reason_code="complex_case", cause=CAUSE)
    with pytest.raises(CaseRuleViolation, match="prolonged"):
        opened(Procedure.FAMILY).refer_to_prolonged_procedure(
            referred_on=STARTED, reason_code="further_research", cause=CAUSE
        )


def test_what_a_procedure_requires_comes_from_the_catalogue() -> None:
    naturalisation = decided(opened(Procedure.NATURALISATION))
    with pytest.raises(CaseRuleViolation, match="grants a permit"):  # a royal decree, no permit card
        naturalisation.mark_document_ready(
            ready_on=date(2026, 4, 3), channel=IssueChannel.DESK, location_code=None, cause=CAUSE
        )
    objection = decided(opened(Procedure.OBJECTION), Outcome.REJECTED)
    with pytest.raises(CaseRuleViolation, match="appealed in court"):
        objection.file_objection(filed_on=date(2026, 4, 2), objection_case_id=uuid4(), cause=CAUSE)


def test_an_assignment_and_an_escalation_record_the_version_of_the_teams_list() -> None:
    case = opened()
    case.assign(team="family-1", officer_ref="O-00000000000000a1", cause=CAUSE)
    case.escalate(escalated_on=STARTED, team="knopendoorhakteam", reason_code="complex_case", cause=CAUSE)
    assigned, escalated = case.collect_events()
    assert isinstance(assigned, CaseAssigned) and assigned.catalogue_version == TEAMS.version_id
    assert isinstance(escalated, CaseEscalated) and escalated.team_catalogue_version == TEAMS.version_id
    assert escalated.catalogue_version == ESCALATION_GROUNDS.version_id  # the reason's list
