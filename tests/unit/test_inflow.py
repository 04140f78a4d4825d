"""The simulator's inflow: the public figures' volumes and seasons, shocks, and seeded noise."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from simulation.inflow import ANNUAL, InflowModel, Shock, poisson


def _mondays(year: int) -> list[date]:
    first = date(year, 1, 1)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    return [monday + timedelta(weeks=n) for n in range(52)]


def test_a_year_of_expected_inflow_adds_up_to_the_published_figures() -> None:
    model = InflowModel()
    asylum_2022 = sum(model.expected("asylum", monday) for monday in _mondays(2022))
    assert asylum_2022 == pytest.approx(35_535, rel=0.03)  # CBS: first asylum applications 2022
    naturalisation = sum(model.expected("naturalisation", monday) for monday in _mondays(2027))
    assert naturalisation == pytest.approx(ANNUAL["naturalisation"], rel=0.03)
    everything = sum(model.expected(p, m) for p in ANNUAL for m in _mondays(2021))
    assert 180_000 < everything < 200_000  # ">194,000 applications in total" in 2021


def test_asylum_peaks_in_autumn_and_naturalisation_is_flat() -> None:
    model = InflowModel()
    september, february = date(2023, 9, 11), date(2023, 2, 13)
    ratio = model.expected("asylum", september) / model.expected("asylum", february)
    assert 2.5 <= ratio <= 3.0  # DOMAIN.md: August-November peak at 2.5-3x the February trough
    june, january = date(2023, 6, 12), date(2023, 1, 9)
    assert model.expected("highly_skilled_migrant", june) > 1.3 * model.expected(
        "highly_skilled_migrant", january
    )
    assert model.expected("naturalisation", september) == model.expected("naturalisation", february)


def test_a_ukraine_like_shock_rises_to_its_peak_in_four_weeks_and_is_gone_after_eight_more() -> None:
    shock = Shock("asylum", date(2022, 3, 7))
    weeks = [shock.extra(date(2022, 3, 7) + timedelta(weeks=n)) for n in range(-1, 14)]
    assert weeks[0] == 0 and weeks[4] == 10_000  # the week before; the fourth week
    assert weeks[1] < weeks[2] < weeks[3] < weeks[4] > weeks[5] > weeks[8] > weeks[12]
    assert weeks[13] == 0 and weeks[14] == 0
    base = InflowModel(scale=0.5)
    shocked = InflowModel(scale=0.5, shocks=(shock,))
    peak = date(2022, 3, 28)
    assert shocked.expected("asylum", peak) - base.expected("asylum", peak) == pytest.approx(5_000)
    assert shocked.expected("family", peak) == base.expected("family", peak)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("asylum", "expected procedure:YYYY-MM-DD"),
        ("tourism:2022-03-01", "unknown procedure 'tourism'"),
        ("asylum:2022-13-01", "month must be in 1..12"),
        ("asylum:2022-03-01:-5", "must be positive"),
    ],
)
def test_a_bad_shock_names_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Shock.parse(text)


def test_the_same_seed_draws_the_same_weeks_and_the_mean_holds() -> None:
    model = InflowModel(scale=0.1)
    monday = date(2024, 10, 7)
    assert model.draw(monday, random.Random(3)) == model.draw(monday, random.Random(3))
    rng = random.Random(1)
    for mean in (0.3, 4.0, 250.0):
        draws = [poisson(mean, rng) for _ in range(4000)]
        assert sum(draws) / len(draws) == pytest.approx(mean, rel=0.06)
        assert min(draws) >= 0
