"""How planners write a change to capacity or inflow, shared by the simulator (``backbone simulate
--capacity``) and the control tower's what-if (``backbone tower whatif``, ``/v1/tower/whatif``).

A change is ``procedure:change[:from_week[:weeks]]``: the change is ``+N%``, ``-N%`` or ``xF``, week 0 is
the first week, and ``weeks`` (where allowed) limits how long it lasts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from backbone.errors import BackboneError

FOREVER = 10_000  # weeks


class ChangeError(BackboneError, ValueError):
    """A change that cannot be read; the message names the parameter, the text and the rule."""


@dataclass(frozen=True)
class Change:
    procedure: str
    factor: float
    from_week: int = 0
    weeks: int = FOREVER


def parse_change(parameter: str, text: str, *, procedures: Iterable[str], with_weeks: bool) -> Change:
    """``text`` read as a change of ``parameter`` (e.g. "capacity") for one of ``procedures``."""
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
    return Change(parts[0], factor, from_week, weeks)
