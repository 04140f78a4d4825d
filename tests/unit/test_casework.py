"""The simulator's casework asks only what the service would grant: no notice of default in the week the
requested information arrives, when the deadline the simulator knows is stale (the clock stood still
while it waited, so the real deadline is later; found as refused commands in the ten-year run)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from uuid import uuid4

from simulation.casework import SimCase, WeekBudget, week_of_work
from simulation.parameters import CaseworkParameters

TODAY = date(2024, 6, 7)
ALWAYS_A_NOTICE = replace(CaseworkParameters(), notice_of_default=1.0)


def actions(case: SimCase) -> list[str]:
    work = week_of_work([case], WeekBudget(0, 0), TODAY, random.Random(1), ALWAYS_A_NOTICE)
    return [action for _, (action, _) in work.commands]


def overdue_case(**fields: object) -> SimCase:
    case = SimCase(uuid4(), "family", TODAY - timedelta(days=400), deadline=TODAY - timedelta(days=3))
    return replace(case, phase="assigned", information_asked=True, **fields)  # type: ignore[arg-type]


def test_an_overdue_case_gets_its_notice_of_default() -> None:
    assert actions(overdue_case()) == ["receive-notice-of-default"]


def test_not_in_the_week_the_information_arrives_and_the_deadline_moves() -> None:
    case = overdue_case(suspended_until=TODAY - timedelta(days=1))
    assert actions(case) == ["receive-information"]
    assert not case.notice  # the next week, with the deadline the service gave back, it may come
