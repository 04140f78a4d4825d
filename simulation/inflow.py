"""How many applications reach the IND in a week, per procedure: yearly volumes from the public figures,
a seasonal profile per procedure, optional shocks, and Poisson noise drawn from the simulator's seed.

Sources are in ``../shared/DOMAIN.md`` and ``../shared/research/domain.md`` §2 (IND annual figures, CBS
quarterly asylum figures); where a number is an assumption it says so. At scale 1.0 a year brings about
190,000 applications, as in 2021 (">194,000 applications in total", IND annual figures 2021).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

# Applications a year at scale 1.0, for years without a figure of their own (YEARLY below).
ANNUAL = {
    "asylum": 31_000,  # first applications 24-38k a year, 2021-2025 (mean of 24.7, 35.5, 38, 32.2, 24.1k)
    "family_reunification": 11_000,  # nareis 10-12k a year
    "naturalisation": 55_000,  # 52-60k a year, flat (59.7k 2021, 54.8k 2024, 51.8k 2025)
    "highly_skilled_migrant": 22_000,  # knowledge & talent 22,840 (2021)
    "family": 42_000,  # family 42,690 (2021)
    "study": 20_500,  # study 20,560 (2021)
    # Assumptions: the rest of the 94,220 regular applications of 2021 split over research, renewals
    # and changes of purpose (not broken down in the sources).
    "research": 2_500,
    "renewal": 4_500,
    "change_of_purpose": 2_000,
}
# Years with a published figure of their own (first asylum applications; nareis arrived).
YEARLY = {
    ("asylum", 2021): 24_745,
    ("asylum", 2022): 35_535,
    ("asylum", 2023): 38_000,
    ("asylum", 2024): 32_180,
    ("asylum", 2025): 24_070,
    ("family_reunification", 2021): 10_120,
    ("family_reunification", 2022): 10_925,
    ("family_reunification", 2023): 10_000,
    ("naturalisation", 2021): 59_680,
    ("naturalisation", 2024): 54_780,
    ("naturalisation", 2025): 51_760,
}
FLAT = (1.0,) * 12
# Month factors (January first, mean 1). Asylum: "most applications are submitted in August-November";
# 2022 had its trough in February (1,600) and its peak in September (4,435), 2.8x: here 1.50 / 0.55 = 2.7.
# Knowledge migrants: "peaks in the summer months" (June 2023). Family: a milder June peak (4,180 in June
# 2023 against about 3,500 a month). Study: a peak before the academic year, an assumption [verify].
SEASON = {
    "asylum": (0.75, 0.55, 0.70, 0.75, 0.80, 0.85, 1.00, 1.25, 1.50, 1.45, 1.30, 1.10),
    "highly_skilled_migrant": (0.85, 0.85, 0.90, 0.95, 1.05, 1.25, 1.25, 1.15, 1.00, 0.95, 0.90, 0.90),
    "family": (0.92, 0.92, 0.95, 0.98, 1.02, 1.12, 1.12, 1.08, 1.00, 0.98, 0.95, 0.96),
    "study": (0.70, 0.70, 0.80, 0.90, 1.10, 1.40, 1.60, 1.50, 0.90, 0.80, 0.80, 0.80),
}
WEEKS_PER_YEAR = 365.25 / 7


@dataclass(frozen=True)
class Shock:
    """Extra applications of one procedure: a linear rise to ``peak`` a week over ``rise_weeks``, then a
    linear fall to nothing over ``decay_weeks``. The default is Ukraine 2022: weekly registrations rose
    from 90 to 9,900 within four weeks (CBS 2022/14) and fell under 2,500 a week by late May."""

    procedure: str
    starts_on: date
    peak: float = 10_000
    rise_weeks: int = 4
    decay_weeks: int = 8

    def extra(self, week_start: date) -> float:
        weeks = (week_start - self.starts_on).days / 7
        if weeks < 0 or weeks >= self.rise_weeks + self.decay_weeks:
            return 0.0
        if weeks < self.rise_weeks:
            return self.peak * (weeks + 1) / self.rise_weeks
        return self.peak * (1 - (weeks - self.rise_weeks + 1) / (self.decay_weeks + 1))

    @classmethod
    def parse(cls, text: str) -> Shock:
        """``procedure:YYYY-MM-DD[:peak[:rise_weeks[:decay_weeks]]]``, e.g. ``asylum:2022-03-01:10000``."""
        parts = text.split(":")
        if len(parts) < 2 or len(parts) > 5:
            raise ValueError(
                f"shock {text!r}: expected procedure:YYYY-MM-DD[:peak[:rise_weeks[:decay_weeks]]]"
            )
        if parts[0] not in ANNUAL:
            raise ValueError(f"shock {text!r}: unknown procedure {parts[0]!r}; one of {sorted(ANNUAL)}")
        try:
            starts_on = date.fromisoformat(parts[1])
            numbers = [float(parts[2])] if len(parts) > 2 else []
            numbers += [int(p) for p in parts[3:]]
        except ValueError as error:
            raise ValueError(f"shock {text!r}: {error}") from error
        if any(n <= 0 for n in numbers):
            raise ValueError(f"shock {text!r}: peak and weeks must be positive")
        return cls(parts[0], starts_on, *numbers)  # type: ignore[arg-type]


@dataclass(frozen=True)
class InflowModel:
    scale: float = 1.0
    shocks: tuple[Shock, ...] = ()

    def expected(self, procedure: str, week_start: date) -> float:
        """The mean number of applications of ``procedure`` in the week starting ``week_start``."""
        middle = week_start + timedelta(days=3)
        yearly = YEARLY.get((procedure, middle.year), ANNUAL[procedure])
        seasonal = SEASON.get(procedure, FLAT)[middle.month - 1]
        extra = sum(s.extra(week_start) for s in self.shocks if s.procedure == procedure)
        return self.scale * (yearly / WEEKS_PER_YEAR * seasonal + extra)

    def draw(self, week_start: date, rng: random.Random) -> dict[str, int]:
        """This week's applications per procedure (Poisson around the expectation), in a fixed order."""
        return {p: poisson(self.expected(p, week_start), rng) for p in ANNUAL}


def poisson(mean: float, rng: random.Random) -> int:
    """A Poisson draw: Knuth's product method for small means, a rounded normal for large ones."""
    if mean <= 0:
        return 0
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, product, count = math.exp(-mean), rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count
