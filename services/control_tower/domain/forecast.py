"""Weekly inflow forecast and backlog projection for the control tower. Pure; no I/O.

With a year or more of history the forecast is a seasonal profile times a recent level. The profile holds
one factor per ISO week of year (week 53 shares week 52's): each week's inflow divided by the mean of the
year around it, averaged over the years available and smoothed over two neighbouring weeks each side. The
level is the last 8 weeks' inflow divided by what the profile expected for them. With less than a year the
profile is flat, so the level is the recent mean. The level is not a trend: under steady growth the
forecast runs behind (about 5% low at 20% growth a year).

The ~80% band is measured, not assumed: the same forecast is replayed from every past week, and for each
week ahead the 10th and 90th percentiles of actual / forecast scale the point forecast. With too few
replays (under ~20 weeks of history) the band is that of a Poisson count.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

YEAR = 52
LEVEL_WEEKS = 8
SMOOTHING = (1, 2, 3, 2, 1)  # triangular weights over two neighbouring weeks each side
BAND = (0.1, 0.9)
MIN_REPLAYS = 10  # below this a measured band is noise; use a Poisson band instead
Z_80 = 1.2816  # standard normal quantile for a two-sided 80% interval


@dataclass(frozen=True)
class WeekForecast:
    week_start: date  # a Monday
    inflow: float  # expected accepted applications that week
    low: float  # lower bound of an ~80% interval (never below 0)
    high: float


@dataclass(frozen=True)
class HeldOutError:
    weeks: int  # how many held-out weeks were forecast
    mae: float  # mean absolute error, applications per week
    mape: float | None  # mean absolute error / actual, as a fraction (0.08 is 8%); weeks with 0 skipped
    bias: float  # mean (forecast - actual)


@dataclass(frozen=True)
class InflowForecast:
    method: str
    weeks: list[WeekForecast]


def week_of(first_week: date, index: int) -> date:
    return first_week + timedelta(weeks=index)


def slot(day: date) -> int:
    """Index into the 52-week profile; ISO week 53 shares week 52's slot, its nearest neighbour."""
    return min(day.isocalendar().week, YEAR) - 1


def seasonal_profile(history: Sequence[int], first_week: date) -> list[float] | None:
    """52 factors averaging 1 (index = ISO week - 1); None with less than a year of non-zero history.

    Each week is compared with the mean of the year around it (26 weeks either side, or the nearest whole
    year inside the history), so a rising or falling level does not leak into the profile.
    """
    n = len(history)
    if n < YEAR:
        return None
    running = [0, *accumulate(history)]
    sums, counts = [0.0] * YEAR, [0] * YEAR
    for i, inflow in enumerate(history):
        start = min(max(0, i - YEAR // 2), n - YEAR)
        mean = (running[start + YEAR] - running[start]) / YEAR
        if mean > 0:
            at = slot(week_of(first_week, i))
            sums[at] += inflow / mean
            counts[at] += 1
    if not any(counts):
        return None
    smoothed = []
    for week in range(YEAR):
        near = [(week + offset) % YEAR for offset in range(-2, 3)]
        pairs = [(w, sums[s] / counts[s]) for w, s in zip(SMOOTHING, near, strict=True) if counts[s]]
        # a stretch of weeks seen only in empty years says nothing about the season: leave it neutral
        smoothed.append(sum(w * r for w, r in pairs) / sum(w for w, _ in pairs) if pairs else 1.0)
    mean = sum(smoothed) / YEAR
    return [value / mean for value in smoothed]


def _point(history: Sequence[int], factors: Sequence[float], origin: int, ahead: int) -> float:
    """Forecast for week ``origin + ahead`` from the weeks before ``origin``."""
    start = max(0, origin - LEVEL_WEEKS)
    actual = history[start:origin]
    if not actual:
        return 0.0
    expected = sum(factors[start:origin])
    # a profile of zeros for these weeks says nothing about the level: use the plain mean
    level = sum(actual) / expected if expected > 0 else sum(actual) / len(actual)
    return level * factors[origin + ahead]


def _nearest_rank(ascending: list[float], share: float) -> float:
    return ascending[max(0, math.ceil(share * len(ascending)) - 1)]


def _bands(
    history: Sequence[int], factors: Sequence[float], horizon: int
) -> list[tuple[float, float] | None]:
    """Per week ahead, (low, high) multipliers of the point forecast; None where too few replays.

    A band never excludes the forecast itself and never narrows further ahead.
    """
    ratios: list[list[float]] = [[] for _ in range(horizon)]
    for origin in range(LEVEL_WEEKS, len(history)):
        for ahead in range(min(horizon, len(history) - origin)):
            expected = _point(history, factors, origin, ahead)
            if expected > 0:
                ratios[ahead].append(history[origin + ahead] / expected)
    bands: list[tuple[float, float] | None] = []
    previous: tuple[float, float] | None = None
    for seen in ratios:
        if len(seen) >= MIN_REPLAYS:
            seen.sort()
            low, high = min(_nearest_rank(seen, BAND[0]), 1.0), max(_nearest_rank(seen, BAND[1]), 1.0)
            if previous is not None:
                low, high = min(low, previous[0]), max(high, previous[1])
            previous = (low, high)
        bands.append(previous)
    return bands


def forecast_inflow(history: Sequence[int], first_week: date, horizon: int = 12) -> InflowForecast:
    """history[i] = accepted applications in the ISO week starting first_week + 7*i (first_week a Monday),
    oldest first, the last element the most recent complete week. Forecast the `horizon` weeks after it."""
    if first_week.weekday() != 0:
        raise ValueError(f"first_week must be a Monday, got {first_week}")
    n = len(history)
    starts = [week_of(first_week, n + ahead) for ahead in range(horizon)]
    if n == 0:
        return InflowForecast("no history", [WeekForecast(start, 0.0, 0.0, 0.0) for start in starts])
    profile = seasonal_profile(history, first_week)
    if profile is not None:
        method = f"seasonal (52-week profile from {n} weeks) x recent level (last {LEVEL_WEEKS} weeks)"
    else:
        profile = [1.0] * YEAR
        reason = "less than a year of history" if n < YEAR else "no inflow to learn a season from"
        method = f"recent level ({reason}): mean of the last {LEVEL_WEEKS} weeks"
    factors = [profile[slot(week_of(first_week, i))] for i in range(n + horizon)]
    weeks = []
    for ahead, (start, band) in enumerate(zip(starts, _bands(history, factors, horizon), strict=True)):
        point = _point(history, factors, n, ahead)
        if band is not None:
            low, high = point * band[0], point * band[1]
        else:
            low, high = max(0.0, point - Z_80 * math.sqrt(point)), point + Z_80 * math.sqrt(point)
        weeks.append(WeekForecast(start, point, low, high))
    return InflowForecast(method, weeks)


def held_out_error(history: Sequence[int], first_week: date, horizon: int = 12) -> HeldOutError | None:
    """Fit on history[:-horizon], forecast the last `horizon` weeks, compare. None when too little history
    to hold any out (fewer than horizon + 8 weeks)."""
    if horizon < 1 or len(history) < horizon + LEVEL_WEEKS:
        return None
    actual = history[-horizon:]
    forecast = [w.inflow for w in forecast_inflow(history[:-horizon], first_week, horizon).weeks]
    errors = [f - a for f, a in zip(forecast, actual, strict=True)]
    relative = [abs(e) / a for e, a in zip(errors, actual, strict=True) if a > 0]
    return HeldOutError(
        weeks=horizon,
        mae=sum(abs(e) for e in errors) / horizon,
        mape=sum(relative) / len(relative) if relative else None,
        bias=sum(errors) / horizon,
    )


def project_backlog(open_now: int, inflow: Sequence[float], decisions_per_week: float) -> list[float]:
    """Open cases at the end of each forecast week if decisions continue at the current rate
    (never below 0)."""
    backlog: list[float] = []
    open_cases = float(open_now)
    for arriving in inflow:
        open_cases = max(0.0, open_cases + arriving - decisions_per_week)
        backlog.append(open_cases)
    return backlog
