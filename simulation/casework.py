"""What happens to each open case in a simulated week: the applicant's moves (information sent, a
response, a notice of default, collecting a document) and, within the week's capacity, the officers'
(assign, hearing, information request, intended decision, decision, document, objection).

The simulator keeps its own light record of every open case (``SimCase``), so a week's work does not
read every aggregate; the commands still go through the real decision service, which may refuse them
(counted as refused). Pure: the commands are returned, the simulator carries them out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from ind.procedures import Procedure
from ind.statutory.catalogue import IND_CATALOGUE, Review
from simulation.parameters import CaseworkParameters, grant_rate

Command = tuple[str, dict[str, Any]]


@dataclass
class SimCase:
    case_id: UUID
    procedure: str
    opened_on: date
    deadline: date | None = None
    clock_started: date | None = None  # the statutory clock's start (a renewal's may lie ahead)
    phase: str = "new"  # new, assigned, heard, intended, decided, document_ready
    information_asked: bool = False
    suspended_until: date | None = None
    prolonged: bool = False
    intended_due: date | None = None
    response_on: date | None = None
    responded: bool = False
    outcome: str | None = None
    notice: bool = False
    escalated_until: date | None = None
    collect_on: date | None = None
    extended: bool = False
    team: str = ""

    @property
    def undecided(self) -> bool:
        return self.outcome is None


@dataclass
class WeekBudget:
    decisions: int  # decisions the procedure's officers can take this week
    cases: int  # cases they can work on (prepare) this week


@dataclass
class WeekWork:
    commands: list[tuple[SimCase, Command]] = field(default_factory=list)
    decided: int = 0


def week_of_work(
    cases: list[SimCase],
    budget: WeekBudget,
    today: date,
    rng: random.Random,
    parameters: CaseworkParameters,
    *,
    extension_allowed: bool = False,
) -> WeekWork:
    """The commands of one procedure's week, oldest case first. ``extension_allowed``: a sudden, large
    rise in applications makes the asylum +9 months extension lawful."""
    work = WeekWork()
    worked = 0
    for case in cases:
        commands = _applicant_moves(case, today, rng, parameters)
        if case.undecided and worked < budget.cases and case.suspended_until is None:
            officer = _officer_step(case, today, rng, parameters, budget, work)
            worked += 1 if officer else 0
            commands += officer
        elif not case.undecided:
            commands += _after_decision(case, today)
        if case.undecided and not case.extended and extension_allowed:
            commands += _extension(case, today)
        work.commands += [(case, command) for command in commands]
    return work


def _applicant_moves(
    case: SimCase, today: date, rng: random.Random, parameters: CaseworkParameters
) -> list[Command]:
    moves: list[Command] = []
    deadline_known = True
    if case.suspended_until is not None and today >= case.suspended_until:
        moves.append(("receive-information", {"received_on": today}))
        case.suspended_until = None
        deadline_known = False  # the clock runs again, later by the days it stood still: known after
    responds = case.response_on is not None and today >= case.response_on
    if case.phase == "intended" and responds and not case.responded:
        moves.append(("receive-response", {"received_on": today}))
        case.responded = True
    overdue = deadline_known and case.deadline is not None and today > case.deadline
    if case.undecided and overdue and not case.notice and rng.random() < parameters.notice_of_default:
        moves.append(("receive-notice-of-default", {"received_on": today}))
        case.notice = True
    weeks_overdue = (today - case.deadline).days / 7 if case.deadline is not None else 0
    if case.escalated_until is not None and today >= case.escalated_until:
        moves.append(
            ("resolve-escalation", {"resolved_on": today, "resolution_code": "decision_path_agreed"})
        )
        case.escalated_until = None
    elif (
        case.undecided
        and case.escalated_until is None
        and weeks_overdue > parameters.escalation_overdue_weeks
        and rng.random() < parameters.escalation
    ):
        moves.append(
            (
                "escalate",
                {"escalated_on": today, "reason_code": "statutory_term_exceeded"},
            )
        )
        case.escalated_until = today + timedelta(weeks=rng.randint(2, 4))
    return moves


def _officer_step(
    case: SimCase,
    today: date,
    rng: random.Random,
    parameters: CaseworkParameters,
    budget: WeekBudget,
    work: WeekWork,
) -> list[Command]:
    steps = IND_CATALOGUE.in_force(case.opened_on).rules[Procedure(case.procedure)].steps
    if case.phase == "new":
        case.phase = "assigned"
        case.team = f"{case.procedure}-{rng.randint(1, 3)}"
        return [("assign", {"team": case.team, "officer_ref": f"O-{rng.getrandbits(64):016x}"})]
    if case.phase == "assigned" and steps.merits_hearing_before_decision:
        kind = "detailed" if "detailed" in steps.hearing_kinds else "shortened"
        remote = rng.random() < 0.3
        case.phase = "heard"
        return [
            ("schedule-hearing", {"kind": kind, "scheduled_for": today, "remote": remote}),
            ("hold-hearing", {"kind": kind, "held_on": today, "remote": remote}),
        ]
    if case.phase == "heard" and steps.prolonged_procedure and not case.prolonged:
        case.prolonged = True  # decided once, after the hearing
        if rng.random() < parameters.prolonged:
            return [
                ("refer-to-prolonged-procedure", {"referred_on": today, "reason_code": "further_research"})
            ]
    clock_running = case.clock_started is not None and today >= case.clock_started
    if not case.information_asked and case.phase in ("assigned", "heard") and clock_running:
        case.information_asked = True
        if rng.random() < parameters.information_request:
            low, high = parameters.information_weeks
            case.suspended_until = today + timedelta(weeks=rng.randint(low, high))
            due = today + timedelta(days=28)
            return [
                (
                    "request-information",
                    {"requested_on": today, "due_on": due, "subject_code": "supporting_documents"},
                )
            ]
    if budget.decisions <= 0:
        return []
    if case.phase == "intended":
        if not case.responded and case.intended_due is not None and today <= case.intended_due:
            return []  # waiting for the applicant's view (zienswijze)
        return _decide(case, "rejected", today, rng, parameters, budget, work, steps)
    outcome = "granted" if rng.random() < grant_rate(case.procedure, today.year) else "rejected"
    if outcome == "rejected" and steps.intended_decision_before_rejection:
        days = 28 if case.prolonged else 6  # VA: four weeks for the lawyer; AA: days
        case.phase, case.intended_due = "intended", today + timedelta(days=days)
        if rng.random() < 0.7:
            case.response_on = today + timedelta(days=days - 1)
        return [
            (
                "issue-intended-decision",
                {"issued_on": today, "response_due_on": case.intended_due, "grounds": ["not_credible"]},
            )
        ]
    return _decide(case, outcome, today, rng, parameters, budget, work, steps)


def _decide(
    case: SimCase,
    outcome: str,
    today: date,
    rng: random.Random,
    parameters: CaseworkParameters,
    budget: WeekBudget,
    work: WeekWork,
    steps: Any,
) -> list[Command]:
    budget.decisions -= 1
    work.decided += 1
    case.outcome, case.phase = outcome, "decided"
    grounds = [] if outcome == "granted" else ["requirements_not_met"]
    commands: list[Command] = [("decide", {"decided_on": today, "outcome": outcome, "grounds": grounds})]
    if outcome == "granted" and steps.residence_document:
        channels = parameters.channels
        channel = rng.choices(list(channels), list(channels.values()))[0]
        low, high = parameters.collect_weeks
        case.phase, case.collect_on = "document_ready", today + timedelta(weeks=rng.randint(low, high))
        commands.append(("mark-document-ready", {"ready_on": today, "channel": channel}))
    elif outcome == "rejected" and steps.review is Review.OBJECTION and rng.random() < parameters.objection:
        commands.append(("file-objection", {"filed_on": today}))
    elif (
        outcome == "rejected" and steps.review is not Review.OBJECTION and rng.random() < parameters.appeal
    ):
        commands.append(("lodge-appeal", {"lodged_on": today, "court_code": "rb-den-haag"}))
    return commands


def _after_decision(case: SimCase, today: date) -> list[Command]:
    if case.phase == "document_ready" and case.collect_on is not None and today >= case.collect_on:
        case.phase = "closed"
        return [("issue-document", {"issued_on": today}), ("close", {"closed_on": today})]
    if case.phase == "decided":
        case.phase = "closed"
        return [("close", {"closed_on": today})]
    return []


def _extension(case: SimCase, today: date) -> list[Command]:
    if case.procedure != "asylum" or case.deadline is None or today + timedelta(weeks=2) < case.deadline:
        return []
    case.extended = True
    reason = "sudden_rise_in_applications"
    return [("extend-deadline", {"on": today, "months": 9, "reason_code": reason})]
