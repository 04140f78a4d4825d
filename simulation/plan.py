"""A simulation's plan: when it starts, how long it runs, at what scale and seed, with which shocks to
inflow and changes to decision capacity; and the plan as a checkpoint keeps it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from ind.planning import CapacityChange
from simulation.checkpoint import shock_from_json
from simulation.inflow import ANNUAL, WEEKS_PER_YEAR, Shock
from simulation.parameters import PRODUCTION, CaseworkParameters

# Objections have no inflow of their own: they follow rejections. Their officers' capacity is sized on
# this yearly volume (assumption; 22,000 regular objection cases were pending at the end of 2023).
OBJECTION_BUDGET_PER_YEAR = 15_000
PROCEDURES = (*ANNUAL, "objection")


@dataclass(frozen=True)
class SimulationPlan:
    starts_on: date
    weeks: int
    scale: float = 1.0
    seed: int = 7
    shocks: tuple[Shock, ...] = ()
    capacity_changes: tuple[CapacityChange, ...] = ()
    parameters: CaseworkParameters = field(default_factory=CaseworkParameters)

    def __post_init__(self) -> None:
        if self.weeks < 1:
            raise ValueError(f"weeks: at least 1, not {self.weeks}")
        if not 0 < self.scale <= 10:
            raise ValueError(f"scale: more than 0 and at most 10, not {self.scale}")

    @property
    def first_monday(self) -> date:
        return self.starts_on - timedelta(days=self.starts_on.weekday())

    def decisions_per_week(self, procedure: str, week: int) -> float:
        """The procedure's decision capacity in ``week`` (fractional at small scales)."""
        yearly = OBJECTION_BUDGET_PER_YEAR if procedure == "objection" else ANNUAL[procedure]
        capacity = PRODUCTION[procedure] * yearly / WEEKS_PER_YEAR * self.scale
        for change in self.capacity_changes:
            if change.procedure == procedure and week >= change.from_week:
                capacity *= change.factor
        return capacity


def plan_to_json(plan: SimulationPlan) -> dict[str, Any]:
    """The plan as a checkpoint keeps it (the casework parameters are the code's own)."""
    return {
        "starts_on": plan.starts_on.isoformat(),
        "weeks": plan.weeks,
        "scale": plan.scale,
        "seed": plan.seed,
        "shocks": [asdict(s) for s in plan.shocks],
        "capacity_changes": [asdict(c) for c in plan.capacity_changes],
    }


def plan_from_json(data: dict[str, Any], *, weeks: int | None = None) -> SimulationPlan:
    """The checkpoint's plan, to ``weeks`` in all if given (to carry a simulation further)."""
    return SimulationPlan(
        starts_on=date.fromisoformat(data["starts_on"]),
        weeks=weeks if weeks is not None else data["weeks"],
        scale=data["scale"],
        seed=data["seed"],
        shocks=tuple(shock_from_json(s) for s in data["shocks"]),
        capacity_changes=tuple(CapacityChange(**c) for c in data["capacity_changes"]),
    )
