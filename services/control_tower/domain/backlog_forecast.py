"""The forecast the dashboard shows: per procedure, the inflow ahead (``forecast.py``) and the backlog it
leads to; and all procedures together, combined here rather than by each reader. Pure; no I/O.

All procedures together: the weekly inflow points and the backlogs add up; the bands' half-widths add as
independent errors do (the square root of the sum of their squares), narrower than adding the bounds and
closer to what happens. Each procedure is forecast from the same last complete week, so their weeks ahead
are the same weeks; combining forecasts of different weeks is refused rather than padded with zeros.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.control_tower.domain.forecast import (
    HeldOutError,
    WeekForecast,
    forecast_inflow,
    held_out_error,
    project_backlog,
)

DECISION_RATE_WEEKS = 4  # decisions continue at the mean rate of the last four complete weeks
ALL = "all"


@dataclass(frozen=True)
class BacklogForecast:
    procedure: str
    method: str
    history_from: date  # the Monday of history[0]
    history: tuple[int, ...]  # accepted applications per week, up to the last complete week
    weeks: tuple[WeekForecast, ...]  # the weeks ahead, from this week
    open_now: int  # received and not yet decided, today
    decisions_per_week: float
    backlog: tuple[float, ...]  # open cases at the end of each week ahead


def forecast_backlog(
    procedure: str,
    history: Sequence[int],
    history_from: date,
    decided: Sequence[int],
    open_now: int,
    horizon: int,
) -> BacklogForecast:
    """``history``: accepted per week from the Monday ``history_from`` to the last complete week (for a
    procedure without any, ``history_from`` is this week's Monday, so its weeks ahead start there too);
    ``decided``: decisions per week up to the last complete week."""
    forecast = forecast_inflow(history, history_from, horizon)
    recent = decided[-DECISION_RATE_WEEKS:]
    decisions_per_week = sum(recent) / DECISION_RATE_WEEKS if recent else 0.0
    backlog = project_backlog(open_now, [w.inflow for w in forecast.weeks], decisions_per_week)
    return BacklogForecast(
        procedure=procedure,
        method=forecast.method,
        history_from=history_from,
        history=tuple(history),
        weeks=tuple(forecast.weeks),
        open_now=open_now,
        decisions_per_week=decisions_per_week,
        backlog=tuple(backlog),
    )


def held_out(forecast: BacklogForecast) -> HeldOutError | None:
    """The error of the procedure's forecast on its last weeks held out (None: too little history)."""
    return held_out_error(forecast.history, forecast.history_from, len(forecast.weeks))


def all_procedures(forecasts: Sequence[BacklogForecast]) -> BacklogForecast:
    """Every procedure's forecast as one, on the same weeks ahead; the history from the earliest week any
    procedure has (a procedure with none yet had no applications then)."""
    if not forecasts:
        raise ValueError("no forecast to combine")
    ahead = [w.week_start for w in forecasts[0].weeks]
    for other in forecasts[1:]:
        if [w.week_start for w in other.weeks] != ahead:
            raise ValueError(
                f"{other.procedure} is forecast for other weeks than {forecasts[0].procedure}: "
                "forecast every procedure from the same last complete week"
            )
    first = min(f.history_from for f in forecasts)
    offsets = [(f.history_from - first).days // 7 for f in forecasts]
    history = [0] * max(offset + len(f.history) for offset, f in zip(offsets, forecasts, strict=True))
    for offset, f in zip(offsets, forecasts, strict=True):
        for i, inflow in enumerate(f.history):
            history[offset + i] += inflow
    weeks = tuple(_sum_week(start, [f.weeks[i] for f in forecasts]) for i, start in enumerate(ahead))
    return BacklogForecast(
        procedure=ALL,
        method=f"the sum of {len(forecasts)} procedures' forecasts; the band adds their half-widths "
        "as independent errors (root of the sum of squares)",
        history_from=first,
        history=tuple(history),
        weeks=weeks,
        open_now=sum(f.open_now for f in forecasts),
        decisions_per_week=sum(f.decisions_per_week for f in forecasts),
        backlog=tuple(sum(b) for b in zip(*(f.backlog for f in forecasts), strict=True)),
    )


def _sum_week(start: date, weeks: Sequence[WeekForecast]) -> WeekForecast:
    inflow = sum(w.inflow for w in weeks)
    down = math.sqrt(sum((w.inflow - w.low) ** 2 for w in weeks))
    up = math.sqrt(sum((w.high - w.inflow) ** 2 for w in weeks))
    return WeekForecast(start, inflow, max(0.0, inflow - down), inflow + up)
