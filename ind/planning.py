"""Planners' changes to decision capacity or inflow, shared by the simulator (``backbone simulate
--capacity``) and the control tower's what-if (``backbone tower whatif``, ``/v1/tower/whatif``).

A change is written ``procedure:change[:from_week[:weeks]]``: the change is ``+N%``, ``-N%`` or ``xF``,
week 0 is the first week, and ``weeks`` (inflow only) limits how long it lasts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from backbone.errors import BackboneError

FOREVER = 10_000  # weeks


class ChangeError(BackboneError, ValueError):
    """A change that cannot be read; the message names the parameter, the text and the rule."""


@dataclass(frozen=True)
class CapacityChange:
    """``procedure``'s decisions a week times ``factor`` from week ``from_week`` (0 = the first week)."""

    procedure: str
    factor: float
    from_week: int = 0

    @classmethod
    def parse(cls, text: str, *, procedures: Iterable[str], parameter: str = "capacity") -> CapacityChange:
        """``procedure:+N%[:from_week]`` or ``procedure:xF[:from_week]``, e.g. ``asylum:+20%:10``."""
        procedure, factor, from_week, _ = _parse(parameter, text, procedures, with_weeks=False)
        return cls(procedure, factor, from_week)


@dataclass(frozen=True)
class InflowChange:
    """``procedure``'s inflow times ``factor`` for ``weeks`` weeks from ``from_week``."""

    procedure: str
    factor: float
    from_week: int = 0
    weeks: int = FOREVER

    @classmethod
    def parse(cls, text: str, *, procedures: Iterable[str], parameter: str = "inflow") -> InflowChange:
        """``procedure:+N%|-N%|xF[:from_week[:weeks]]``, e.g. ``asylum:x2:0:6``."""
        return cls(*_parse(parameter, text, procedures, with_weeks=True))


def _parse(
    parameter: str, text: str, procedures: Iterable[str], *, with_weeks: bool
) -> tuple[str, float, int, int]:
    form = "procedure:+N%|-N%|xF[:from_week" + ("[:weeks]]" if with_weeks else "]")
    parts = text.split(":")
    known = sorted(procedures)
    if not 2 <= len(parts) <= (4 if with_weeks else 3):
        raise ChangeError(f"{parameter} {text!r}: expected {form}")
    if parts[0] not in known:
        raise ChangeError(f"{parameter} {text!r}: unknown procedure {parts[0]!r}; one of {known}")
    change = parts[1]
    try:
        if change.endswith("%") and change[:1] in ("+", "-"):
            factor = 1 + float(change[:-1]) / 100
        elif change.startswith("x"):
            factor = float(change[1:])
        else:
            raise ValueError(f"the change is +N%, -N% or xF, not {change!r}")
        from_week = int(parts[2]) if len(parts) > 2 else 0
        weeks = int(parts[3]) if len(parts) > 3 else FOREVER
    except ValueError as error:
        raise ChangeError(f"{parameter} {text!r}: {error}") from error
    if factor < 0 or from_week < 0 or weeks < 1:
        raise ChangeError(f"{parameter} {text!r}: the factor and weeks cannot be negative")
    return parts[0], factor, from_week, weeks
