"""A small, seeded generator of case histories: thousands of cases across the procedures, driven week by
week through the real intake and decision commands with a clock that moves. The full simulator (issue 5)
grows from here. Deterministic for a seed: the same arguments give the same commands in the same order.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from backbone.clock import ManualClock
from backbone.errors import DomainRuleViolation, NotFound
from services.decision.application.commands import parse_case_command
from services.decision.application.decision import Decision
from services.intake.application.intake import Intake
from simulation.samples import run_sample, sample_applications

Progress = Callable[[int, int], None]  # (weeks done, weeks in all)


@dataclass
class HistoryStats:
    applications: int = 0
    accepted: int = 0
    decided: int = 0
    commands: int = 0
    refused: int = 0  # commands the rules refused (counted, as a real office would see them)
    open_cases: list[UUID] = field(default_factory=list)


def generate_history(
    intake: Intake,
    decision: Decision,
    clock: ManualClock,
    settle: Callable[[], None],
    *,
    weeks: int,
    applications_per_week: int,
    seed: int,
    progress: Progress | None = None,
) -> HistoryStats:
    """Run ``weeks`` of intake and decision work; ``settle`` lets decision catch up with intake."""
    rng = random.Random(seed)
    stats = HistoryStats()
    for week in range(weeks):
        today = clock.now().date()
        for application in sample_applications(
            applications_per_week, seed=rng.randrange(2**32), today=today
        ):
            accept = rng.random() < 0.9
            stats.open_cases.append(run_sample(intake, application, accept=accept, today=today))
            stats.applications += 1
            stats.accepted += accept
        settle()
        _work_the_cases(decision, stats, rng, today)
        clock.advance(timedelta(weeks=1))
        if progress is not None:
            progress(week + 1, weeks)
    settle()
    return stats


def _work_the_cases(decision: Decision, stats: HistoryStats, rng: random.Random, today: date) -> None:
    """This week's decision work: some cases move a step, a share is decided."""
    still_open = []
    for case_id in stats.open_cases:
        try:
            case = decision.get_case(case_id)
        except NotFound:  # not accepted: it stays in intake
            still_open.append(case_id)
            continue
        if _step(decision, case, rng, today, stats):
            stats.decided += 1
        else:
            still_open.append(case_id)
    stats.open_cases = still_open


def _step(decision: Decision, case: Any, rng: random.Random, today: date, stats: HistoryStats) -> bool:
    """One plausible next command for the case; returns whether it was decided (and so leaves the pool)."""
    steps = case.steps
    roll = rng.random()
    try:
        if case.team is None:
            _run(
                decision,
                case.id,
                "assign",
                {
                    "team": f"{case.procedure.value}-{rng.randrange(1, 4)}",
                    "officer_ref": f"O-{rng.getrandbits(64):016x}",
                },
                stats,
            )
        elif case.clock.is_suspended:
            if roll < 0.6:
                _run(decision, case.id, "receive-information", {"received_on": today}, stats)
        elif steps.merits_hearing_before_decision and not case.held:
            kind = "detailed" if "detailed" in steps.hearing_kinds else "shortened"
            _run(decision, case.id, "schedule-hearing", {"kind": kind, "scheduled_for": today}, stats)
            _run(
                decision,
                case.id,
                "hold-hearing",
                {"kind": kind, "held_on": today, "remote": roll < 0.3},
                stats,
            )
        elif roll < 0.08:
            _run(
                decision,
                case.id,
                "request-information",
                {
                    "requested_on": today,
                    "due_on": today + timedelta(days=28),
                    "subject": "supporting_documents",
                },
                stats,
            )
        elif roll < 0.35:
            outcome = "granted" if rng.random() < 0.75 else "rejected"
            if outcome == "rejected" and steps.intended_decision_before_rejection:
                if case.intended_decision_due is None:
                    _run(
                        decision,
                        case.id,
                        "issue-intended-decision",
                        {
                            "issued_on": today,
                            "response_due_on": today + timedelta(days=6),
                            "grounds": ["not_credible"],
                        },
                        stats,
                    )
                    return False
                if not case.response_received and today <= case.intended_decision_due:
                    return False
            _run(
                decision, case.id, "decide", {"decided_on": today, "outcome": outcome, "grounds": []}, stats
            )
            if outcome == "granted" and steps.residence_document:
                channel = rng.choice(["desk", "expat_centre", "courier"])
                _run(
                    decision, case.id, "mark-document-ready", {"ready_on": today, "channel": channel}, stats
                )
            return True
        elif roll > 0.97 and today > case.statutory_deadline and case.notice_of_default_on is None:
            _run(decision, case.id, "receive-notice-of-default", {"received_on": today}, stats)
    except DomainRuleViolation:
        stats.refused += 1
    return False


def _run(
    decision: Decision, case_id: UUID, action: str, fields: dict[str, Any], stats: HistoryStats
) -> None:
    decision.execute(case_id, parse_case_command(action, fields))
    stats.commands += 1
