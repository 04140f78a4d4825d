"""All procedures' forecast, combined by the tower rather than by each reader: on the same weeks, the
points and backlogs added, the bands added as independent errors; a procedure without inflow yet is
forecast on everyone's weeks."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any, cast

import pytest

from services.control_tower.application.flow_views import forecast_view
from services.control_tower.application.view_store import ViewStore
from services.control_tower.domain.backlog_forecast import all_procedures, forecast_backlog
from services.control_tower.projections.case_facts import CaseFacts

THIS_WEEK = date(2026, 3, 2)  # a Monday
TODAY = THIS_WEEK + timedelta(days=2)


def weeks_before(n: int) -> date:
    return THIS_WEEK - timedelta(weeks=n)


def test_all_procedures_add_their_points_and_backlogs_and_their_bands_as_independent_errors() -> None:
    asylum = forecast_backlog("asylum", [30] * 20, weeks_before(20), [25] * 4, 100, 12)
    family = forecast_backlog("family", [10] * 10, weeks_before(10), [12] * 4, 40, 12)
    combined = all_procedures([asylum, family])
    assert [w.week_start for w in combined.weeks] == [THIS_WEEK + timedelta(weeks=i) for i in range(12)]
    for total, a, f in zip(combined.weeks, asylum.weeks, family.weeks, strict=True):
        assert total.inflow == pytest.approx(a.inflow + f.inflow)
        assert total.high - total.inflow == pytest.approx(math.hypot(a.high - a.inflow, f.high - f.inflow))
        assert total.inflow - total.low == pytest.approx(math.hypot(a.inflow - a.low, f.inflow - f.low))
    assert combined.backlog == tuple(a + f for a, f in zip(asylum.backlog, family.backlog, strict=True))
    assert (combined.open_now, combined.decisions_per_week) == (140, 37.0)
    assert combined.history_from == weeks_before(20)
    assert combined.history == (30,) * 10 + (40,) * 10  # family had none before its first week


def test_forecasts_of_different_weeks_are_not_combined() -> None:
    this_week = forecast_backlog("asylum", [30] * 20, weeks_before(20), [], 0, 12)
    a_week_early = forecast_backlog("objection", [], weeks_before(1), [3] * 4, 5, 12)
    with pytest.raises(ValueError, match="other weeks"):
        all_procedures([this_week, a_week_early])


class OnlyDecisionsOfObjections:
    """A tower that has seen asylum applications accepted, but objections only decided."""

    def daily_counts(self, column: str) -> list[tuple[str, date, int]]:
        weeks = range(1, 21)
        if column == "accepted_on":
            return [("asylum", weeks_before(n), 30) for n in weeks]
        return [("asylum", weeks_before(n), 25) for n in weeks] + [("objection", weeks_before(1), 3)]

    def open_case_facts(self) -> list[CaseFacts]:
        return [CaseFacts(f"c{i}", procedure="objection") for i in range(4)]

    def work_in_progress(
        self, week_ends: list[date], team: str | None = None
    ) -> list[tuple[str, list[int]]]:
        return [("objection", [4] * len(week_ends))]


def test_a_procedure_without_inflow_yet_is_forecast_on_the_same_weeks_and_counted_in_all() -> None:
    store = cast(ViewStore, cast(Any, OnlyDecisionsOfObjections()))
    document = forecast_view(store, TODAY)
    starts = {p["procedure"]: p["forecast"][0]["week_start"] for p in document["procedures"]}
    assert starts == {"asylum": str(THIS_WEEK), "objection": str(THIS_WEEK)}
    combined = document["all"]
    assert combined["forecast"][0]["week_start"] == str(THIS_WEEK)
    assert combined["forecast"][0]["inflow"] == pytest.approx(30.0)
    assert combined["open_now"] == 4
