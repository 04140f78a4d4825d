"""What-if planning: the projection's arithmetic, and scenarios read with clear errors."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from ind.planning import CapacityChange, InflowChange
from ind.statutory.penalties import penalty_owed
from services.control_tower.application.whatif_view import ScenarioError, parse_scenario
from services.control_tower.domain.whatif import (
    OpenCase,
    ProcedureOutlook,
    Scenario,
    project,
)

MONDAY = date(2026, 11, 30)


def _outlook(
    open_cases: list[OpenCase], inflow: float, decisions: float, **extra: object
) -> ProcedureOutlook:
    return ProcedureOutlook(
        procedure=str(extra.get("procedure", "family")),
        open_cases=open_cases,
        inflow=[inflow] * 52,
        decisions_per_week=decisions,
        period_days=int(extra.get("period_days", 90)),  # type: ignore[call-overload]
        penalty_applies=bool(extra.get("penalty", True)),
    )


def test_the_backlog_follows_inflow_minus_decisions_and_oldest_go_first() -> None:
    cases = [OpenCase(MONDAY + timedelta(days=d), None, True) for d in range(100)]  # 100 open
    projection = project(_outlook(cases, inflow=30, decisions=50), MONDAY, Scenario(), 10)
    assert [round(w.open_cases) for w in projection.weeks[:3]] == [80, 60, 40]
    assert projection.weeks[4].open_cases == pytest.approx(0)  # caught up
    assert projection.weeks[4].decisions == pytest.approx(50)
    assert projection.weeks[6].decisions == pytest.approx(30)  # from then on, what arrives
    # The oldest deadlines went first: in week 0 the 50 decided were the 50 earliest deadlines, so the
    # deadlines that pass in week 0 (days 0-6 of the old cases) were all met.
    assert projection.weeks[0].missed_deadlines == 0


def test_more_capacity_from_a_week_on_clears_the_backlog_sooner_than_the_baseline() -> None:
    cases = [OpenCase(MONDAY + timedelta(days=d % 200), None, True) for d in range(2000)]
    outlook = _outlook(cases, inflow=100, decisions=100)
    baseline = project(outlook, MONDAY, Scenario(), 40)
    more = project(outlook, MONDAY, Scenario(capacity=(CapacityChange("family", 1.2, 10),)), 40)
    assert [w.open_cases for w in baseline.weeks] == pytest.approx([2000] * 40)
    assert more.weeks[9].open_cases == pytest.approx(2000)  # nothing changes before week 10
    assert more.weeks[10].open_cases == pytest.approx(1980)
    assert more.summary(1500)["below_target_from"] == str(MONDAY + timedelta(weeks=35))  # 20 a week
    assert baseline.summary(1500)["below_target_from"] is None
    missed = more.summary()["missed_deadlines"], baseline.summary()["missed_deadlines"]
    assert isinstance(missed[0], float) and isinstance(missed[1], float) and missed[0] < missed[1]


def test_an_inflow_surge_for_six_weeks_adds_exactly_its_extra_cases() -> None:
    outlook = _outlook([], inflow=100, decisions=100)
    surge = Scenario(inflow=(InflowChange("all", 2.0, 2, 6),))
    projection = project(outlook, MONDAY, surge, 20)
    assert [round(w.arrivals) for w in projection.weeks[:9]] == [
        100,
        100,
        200,
        200,
        200,
        200,
        200,
        200,
        100,
    ]
    assert projection.weeks[-1].open_cases == pytest.approx(600)  # the surge stays as backlog


def test_penalties_accrue_after_a_notice_and_are_paid_with_the_decision() -> None:
    noticed = MONDAY - timedelta(days=30)
    overdue = [OpenCase(MONDAY - timedelta(days=60), noticed, True)] * 10
    projection = project(_outlook(overdue, inflow=0, decisions=0), MONDAY, Scenario(), 2)
    week_end = MONDAY + timedelta(days=7)
    assert projection.weeks[0].exposure == pytest.approx(10 * penalty_owed(noticed, week_end))
    decided = project(_outlook(overdue, inflow=0, decisions=10), MONDAY, Scenario(), 2)
    assert decided.weeks[0].penalties_paid == pytest.approx(10 * penalty_owed(noticed, week_end))
    assert decided.weeks[0].exposure == 0 and decided.weeks[0].open_cases == 0
    asylum = [OpenCase(MONDAY - timedelta(days=60), noticed, False)] * 10  # no penalty for asylum
    assert project(_outlook(asylum, 0, 0, penalty=False), MONDAY, Scenario(), 2).weeks[0].exposure == 0


def test_overdue_cases_send_notices_and_exposure_grows_in_the_baseline() -> None:
    overdue = [OpenCase(MONDAY - timedelta(days=10), None, True)] * 100
    projection = project(_outlook(overdue, inflow=0, decisions=0), MONDAY, Scenario(), 12)
    exposures = [w.exposure for w in projection.weeks]
    assert exposures[0] == 0 and exposures[3] > 0  # a notice, then two weeks before the penalty accrues
    assert all(b >= a for a, b in itertools.pairwise(exposures))
    assert exposures[-1] <= 100 * 1442  # never more than the cap per case


def test_scenarios_are_read_from_their_short_form() -> None:
    scenario = parse_scenario(["asylum:+20%:10", "all:x0.9"], ["asylum:x2:0:6"])
    assert scenario.capacity == (CapacityChange("asylum", 1.2, 10), CapacityChange("all", 0.9, 0))
    assert scenario.inflow == (InflowChange("asylum", 2.0, 0, 6),)
    assert scenario.capacity_factor("asylum", 10) == pytest.approx(1.08)
    assert scenario.inflow_factor("asylum", 6) == 1.0


@pytest.mark.parametrize(
    ("capacity", "inflow", "message"),
    [
        (["tourism:+10%"], [], "capacity 'tourism:+10%': unknown procedure 'tourism'"),
        (["asylum:20"], [], "the change is +N%, -N% or xF, not '20'"),
        (["asylum"], [], "capacity 'asylum': expected procedure:"),
        ([], ["asylum:x2:0:0"], "the factor and weeks cannot be negative"),
        ([], ["asylum:x2:soon"], "invalid literal"),
    ],
)
def test_a_bad_scenario_names_the_parameter_and_the_rule(
    capacity: list[str], inflow: list[str], message: str
) -> None:
    with pytest.raises(ScenarioError, match=message.replace("(", r"\(").replace("+", r"\+")):
        parse_scenario(capacity, inflow)
