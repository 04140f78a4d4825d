"""Four scripted cases, run the same way in both modes: an asylum case, a naturalisation with a late fee,
a renewal with a residence gap, and an objection. Each step goes through the real commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from services.decision.application.commands import parse_case_command
from services.decision.application.decision import Decision
from services.intake.application.commands import (
    AcceptApplication,
    parse_application_command,
    parse_submission,
)
from services.intake.application.intake import Intake
from tests.factories import NOW

TODAY = NOW.date()
WaitForCase = Callable[[UUID], None]  # returns once decision has opened the case

EXPECTED_WORKLOAD = {
    ("asylum", "decided"): 1,
    ("naturalisation", "decided"): 1,
    ("renewal", "waiting_on_applicant"): 1,
    ("family", "decided"): 1,
    ("objection", "in_decision"): 1,
}


def day(days_ago: int) -> date:
    return TODAY - timedelta(days=days_ago)


def application(procedure: str, ref: int, received_days_ago: int, **extra: Any) -> dict[str, Any]:
    channel = "application_centre" if procedure == "asylum" else "online"
    return {
        "procedure": procedure,
        "channel": channel,
        "received_on": day(received_days_ago),
        "applicant_ref": f"P-{ref:016x}",
        "nationality": "SYR",
        **extra,
    }


def run_scenarios(intake: Intake, decision: Decision, wait_for_case: WaitForCase) -> dict[str, UUID]:
    cases = {
        "asylum": asylum_case(intake, decision, wait_for_case),
        "naturalisation": naturalisation_with_late_fee(intake, decision, wait_for_case),
        "renewal": renewal_with_residence_gap(intake, decision, wait_for_case),
    }
    cases["objected"], cases["objection"] = objection(intake, decision, wait_for_case)
    return cases


def asylum_case(intake: Intake, decision: Decision, wait_for_case: WaitForCase) -> UUID:
    case_id = intake.submit_application(parse_submission(application("asylum", 1, 50)))
    intake.execute(
        case_id, parse_application_command("classify", {"track": "general", "complexity": "medium"})
    )
    intake.execute(case_id, AcceptApplication())
    wait_for_case(case_id)
    for action, fields in [
        ("assign", {"team": "asylum-2", "officer_ref": "O-00000000000000a1"}),
        ("schedule-hearing", {"kind": "registration", "scheduled_for": day(45)}),
        ("hold-hearing", {"kind": "registration", "held_on": day(45)}),
        ("schedule-hearing", {"kind": "detailed", "scheduled_for": day(30), "remote": True}),
        ("hold-hearing", {"kind": "detailed", "held_on": day(30), "remote": True}),
        (
            "issue-intended-decision",
            {"issued_on": day(20), "response_due_on": day(14), "grounds": ["not_credible"]},
        ),
        ("receive-response", {"received_on": day(15)}),
        ("decide", {"decided_on": day(10), "outcome": "rejected", "grounds": ["not_credible"]}),
        ("lodge-appeal", {"lodged_on": day(5), "court_code": "rb-den-haag"}),
    ]:
        decision.execute(case_id, parse_case_command(action, fields))
    return case_id


def naturalisation_with_late_fee(intake: Intake, decision: Decision, wait_for_case: WaitForCase) -> UUID:
    case_id = intake.submit_application(parse_submission(application("naturalisation", 2, 40)))
    intake.execute(
        case_id, parse_application_command("pay-fee", {"paid_on": day(20), "amount_cents": 141_100})
    )
    intake.execute(case_id, AcceptApplication())
    wait_for_case(case_id)
    case = decision.get_case(case_id)
    assert case.clock.started_on == day(20), "the naturalisation clock starts when the fee is paid"
    decision.execute(case_id, parse_case_command("decide", {"decided_on": day(3), "outcome": "granted"}))
    return case_id  # naturalisation ends in a royal decree and a ceremony, not a residence document


def renewal_with_residence_gap(intake: Intake, decision: Decision, wait_for_case: WaitForCase) -> UUID:
    renewal = application(
        "renewal",
        3,
        30,
        residence_purpose="family",
        previous_permit_ends_on=day(45),
        sponsor_ref="P-00000000000000f3",
    )
    case_id = intake.submit_application(parse_submission(renewal))
    intake.execute(case_id, AcceptApplication())
    wait_for_case(case_id)
    decision.execute(
        case_id,
        parse_case_command(
            "request-information",
            {"requested_on": day(10), "due_on": day(-4), "subject_code": "income_proof"},
        ),
    )
    return case_id


def objection(intake: Intake, decision: Decision, wait_for_case: WaitForCase) -> tuple[UUID, UUID]:
    case_id = intake.submit_application(
        parse_submission(application("family", 4, 80, sponsor_ref="P-00000000000000f4"))
    )
    intake.execute(case_id, AcceptApplication())
    wait_for_case(case_id)
    decision.execute(
        case_id,
        parse_case_command(
            "decide", {"decided_on": day(40), "outcome": "rejected", "grounds": ["income_insufficient"]}
        ),
    )
    case = decision.execute(case_id, parse_case_command("file-objection", {"filed_on": day(20)}))
    assert case.objection_case_id is not None
    objection_case = decision.get_case(case.objection_case_id)
    # The objection period ends 4 weeks after the decision; the objection clock starts the next day.
    assert objection_case.clock.started_on == day(40) + timedelta(days=29)
    return case_id, case.objection_case_id


def gap_events(intake: Intake, case_id: UUID) -> list[Any]:
    return [
        n
        for n in intake.recorder.select_notifications(start=0, limit=10_000)
        if n.originator_id == case_id and n.topic == "nl.ind.intake.ResidenceGapDetected"
    ]
