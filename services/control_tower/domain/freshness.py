"""How long the last event took from being recorded upstream to being applied by the tower. Pure; no I/O.

The two times come from two clocks: the producing service stamps ``recorded_at`` with its own clock (in
a simulation, the simulated one), the tower stamps ``applied_at`` with the wall clock. Their difference is
a latency only when both are the wall clock. An event cannot be applied before it was recorded, so a
recorded time after the applied one proves the clocks differ; there is no latency to show then, and the
reason is given instead. (A recorded time in the past cannot prove it: a long latency may be real.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Latency:
    seconds: float | None  # None: not measurable on one clock
    reason: str | None = None  # why not, when not


def last_latency(recorded_at: datetime, applied_at: datetime) -> Latency:
    seconds = (applied_at - recorded_at).total_seconds()
    if seconds >= 0:
        return Latency(round(seconds, 3))
    return Latency(
        None,
        f"not measurable: the event was recorded at {recorded_at:%Y-%m-%d %H:%M} UTC by its service's "
        f"clock, {_span(-seconds)} after the tower applied it by the wall clock, so the two times come "
        "from different clocks (the events come from a simulation, or a clock is set wrong)",
    )


def _span(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"
