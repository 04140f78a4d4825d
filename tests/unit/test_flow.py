from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from services.control_tower.domain.flow import (
    iso_week,
    lead_times,
    percentile,
    rolling_rates,
    weekly_flow,
)

TODAY = date(2026, 11, 4)  # ISO week 45 of 2026


@dataclass(frozen=True)
class Facts:
    procedure: str | None
    track: str | None = None
    received_on: date | None = None
    accepted_on: date | None = None
    decided_on: date | None = None


def test_inflow_and_outflow_per_iso_week_and_procedure() -> None:
    facts = [
        Facts("family", accepted_on=TODAY, decided_on=None),
        Facts("family", accepted_on=TODAY - timedelta(weeks=1), decided_on=TODAY),
        Facts("asylum", accepted_on=TODAY - timedelta(weeks=1)),
    ]
    flows = {
        (f.week, f.procedure): (f.inflow, f.outflow, f.net) for f in weekly_flow(facts, TODAY, weeks=2)
    }
    assert flows == {
        ("2026-W44", "asylum"): (1, 0, 1),
        ("2026-W44", "family"): (1, 0, 1),
        ("2026-W45", "asylum"): (0, 0, 0),
        ("2026-W45", "family"): (1, 1, 0),
    }


def test_rolling_rates_average_the_last_four_weeks() -> None:
    facts = [Facts("study", accepted_on=TODAY - timedelta(weeks=w)) for w in range(6)]
    assert rolling_rates(weekly_flow(facts, TODAY, weeks=6)) == {"study": (1.0, 0.0)}


def test_lead_times_are_nearest_rank_percentiles_per_procedure_and_track() -> None:
    facts = [
        Facts(
            "asylum",
            "general",
            received_on=date(2026, 1, 1),
            decided_on=date(2026, 1, 1) + timedelta(days=d),
        )
        for d in range(1, 101)
    ] + [Facts("family", None, received_on=date(2026, 1, 1), decided_on=date(2026, 2, 1))]
    (asylum, family) = lead_times(facts)
    assert (asylum.procedure, asylum.track, asylum.decided) == ("asylum", "general", 100)
    assert (asylum.p50, asylum.p90, asylum.p95) == (50, 90, 95)
    assert (family.p50, family.p95) == (31, 31)


def test_iso_weeks_cross_the_year() -> None:
    assert iso_week(date(2026, 12, 31)) == "2026-W53"
    assert iso_week(date(2027, 1, 4)) == "2027-W01"


@given(st.lists(st.integers(0, 1000), min_size=1), st.floats(0.01, 1.0))
def test_a_percentile_is_one_of_the_values_and_grows_with_the_share(days: list[int], share: float) -> None:
    days.sort()
    value = percentile(days, share)
    assert value in days
    assert percentile(days, min(1.0, share + 0.1)) >= value
