"""``backbone legacy cutover``: a procedure's in-flight legacy cases become backbone cases, keeping their
ids and clocks (docs/legacy.md, "Cutover"). The only place that knows both the legacy bridge and the
decision service, which never import each other.

Exactly once, resumable: the cutover's state is a Cutover aggregate (id from procedure + day); each
case is moved in two idempotent steps, in batches: the bridge marks it handed over (LegacyCaseHandedOver,
so it observes the case no more), then decision opens it (CaseTakenOverFromLegacy, the case's id as the
aggregate's id: a second open is seen). A run killed at any point is re-run: the cases handed over in
this cutover are in its plan again, and each step skips what was done.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from backbone.errors import DomainRuleViolation
from composition.system import System
from ind.procedures import Procedure
from ind.routing import RoutingTable
from services.decision.application.legacy_takeover import (
    first_decided,
    give_back,
    is_taken_over,
    take_over,
)
from services.decision.domain.legacy_takeover import LegacyCaseState
from services.legacy_bridge.application.cutover_ledger import CutoverLedger
from services.legacy_bridge.application.handover import cases_of, hand_over, take_back, unmovable
from services.legacy_bridge.domain.cutover import (
    DEFAULT_POINT_OF_NO_RETURN_DAYS,
    Cutover,
    cutover_id,
)
from services.legacy_bridge.domain.legacy_case import LegacyCase

Progress = Callable[[int, int], None]


class CutoverRefused(DomainRuleViolation):
    """The cutover (or its rollback) may not run; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class Refusal:
    case_id: UUID
    zaaknummer: str
    reason: str


@dataclass
class CutoverPlan:
    procedure: Procedure
    on: date
    cutover_id: UUID
    cases: list[tuple[UUID, LegacyCaseState]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    already_moved: int = 0  # by an earlier run of this cutover

    def per_stage(self) -> dict[str, int]:
        return dict(sorted(Counter(state.stage for _, state in self.cases).items()))


def plan(system: System, procedure: Procedure, on: date) -> CutoverPlan:
    """What a cutover of ``procedure`` on ``on`` moves: every legacy case of it in flight, and the cases
    an earlier run of the same cutover handed over but did not open; what it cannot move, and why."""
    the_plan = CutoverPlan(procedure, on, cutover_id(procedure, on))
    for case in cases_of(system.legacy_bridge, procedure):
        if case.handed_over_in == the_plan.cutover_id:
            if is_taken_over(system.decision, case.id):
                the_plan.already_moved += 1
                continue
        elif not case.in_flight:
            continue
        elif (reason := unmovable(case)) is not None:
            assert case.current is not None
            the_plan.refused.append(Refusal(case.id, case.current.zaaknummer, reason.value))
            continue
        the_plan.cases.append((case.id, _state_of(case, the_plan.cutover_id, on)))
    return the_plan


def _state_of(case: LegacyCase, cutover: UUID, on: date) -> LegacyCaseState:
    current = case.current
    assert current is not None and current.applicant_ref is not None
    return LegacyCaseState(
        zaaknummer=current.zaaknummer,
        cutover_id=cutover,
        cutover_on=on,
        procedure=current.procedure,
        received_on=current.received_on,
        policy_version=current.policy_version,
        stage=current.stage,
        suspended_days=current.suspended_days,
        suspended_since=current.suspended_since,
        extended=current.extended,
        team_code=current.team_code,
        applicant_ref=current.applicant_ref,
    )


def check_routing(routing: RoutingTable, procedure: Procedure, on: date) -> None:
    route = routing.route_of(procedure)
    if route is None:
        raise CutoverRefused(
            f"the routing table {routing.version} gives {procedure.value} to the backbone already: "
            f"route it to the legacy system with cutover_on {on} (BACKBONE_ROUTING_FILE) first"
        )
    if route.cutover_on != on:
        planned = "no cutover" if route.cutover_on is None else f"cutover_on {route.cutover_on}"
        raise CutoverRefused(
            f"the routing table {routing.version} has {planned} for {procedure.value}, not {on}: "
            "release a routing version with this cutover day first (BACKBONE_ROUTING_FILE)"
        )


@dataclass(frozen=True)
class CutoverResult:
    cutover_id: UUID
    moved_now: int  # cases opened in the backbone by this run
    handed_over_now: int
    total: int  # cases of the cutover in the backbone after this run
    refused: list[Refusal]
    point_of_no_return: date


def run(
    system: System,
    ledger: CutoverLedger,
    routing: RoutingTable,
    procedure: Procedure,
    on: date,
    *,
    point_of_no_return: date | None = None,
    batch_size: int = 200,
    progress: Progress | None = None,
) -> CutoverResult:
    check_routing(routing, procedure, on)
    the_plan = plan(system, procedure, on)
    cutover = ledger.find(procedure, on)
    if cutover is None:
        cutover = Cutover.start(
            procedure,
            on,
            point_of_no_return=point_of_no_return or on + timedelta(DEFAULT_POINT_OF_NO_RETURN_DAYS),
            routing_version=routing.version,
            in_flight=len(the_plan.cases),
        )
        ledger.save(cutover)
    elif cutover.rolled_back:
        raise CutoverRefused(
            f"the cutover of {procedure.value} on {on} was rolled back; plan another day for it"
        )
    total, moved, marked = len(the_plan.cases), 0, 0
    for done, batch in _batches(the_plan.cases, batch_size):
        marked += hand_over(system.legacy_bridge, [case_id for case_id, _ in batch], cutover.id, on)
        opened = take_over(system.decision, batch)
        moved += opened
        cutover.record_cases_done(opened)
        ledger.save(cutover)
        if progress is not None:
            progress(done, total)
    in_the_backbone = the_plan.already_moved + moved  # counted on the cases, not on the progress
    cutover.finish(in_the_backbone)
    ledger.save(cutover)
    return CutoverResult(
        cutover.id, moved, marked, in_the_backbone, the_plan.refused, cutover.point_of_no_return
    )


def _batches(
    cases: list[tuple[UUID, LegacyCaseState]], size: int
) -> Iterator[tuple[int, list[tuple[UUID, LegacyCaseState]]]]:
    for start in range(0, len(cases), size):
        batch = cases[start : start + size]
        yield start + len(batch), batch


@dataclass(frozen=True)
class RollbackResult:
    cutover_id: UUID
    returned: int


def roll_back(
    system: System,
    ledger: CutoverLedger,
    procedure: Procedure,
    on: date,
    *,
    today: date,
    batch_size: int = 200,
    progress: Progress | None = None,
) -> RollbackResult:
    """Every case of the cutover back to the legacy system, before the point of no return: the day
    stated at the cutover, or the first backbone decision on one of its cases, whichever comes first."""
    cutover = ledger.find(procedure, on)
    if cutover is None:
        raise CutoverRefused(f"no cutover of {procedure.value} on {on} was started: nothing to roll back")
    handed = [
        (case.id, case.current.zaaknummer)
        for case in cases_of(system.legacy_bridge, procedure)
        if case.handed_over_in == cutover.id and case.current is not None
    ]
    if not cutover.rolled_back:
        if today >= cutover.point_of_no_return:
            raise CutoverRefused(
                f"the cutover of {procedure.value} on {on} cannot be rolled back: its point of no return "
                f"({cutover.point_of_no_return}, stated at the cutover) has passed"
            )
        decided = first_decided(system.decision, (case_id for case_id, _ in handed))
        if decided is not None:
            raise CutoverRefused(
                f"the cutover of {procedure.value} on {on} cannot be rolled back: the backbone decided "
                f"case {decided[0]} on {decided[1]}, and a decision is not handed back"
            )
    returned = 0
    for done, batch in _batches_of(handed, batch_size):
        returned += give_back(system.decision, batch, cutover.id, today)
        take_back(system.legacy_bridge, [case_id for case_id, _ in batch], cutover.id, today)
        if progress is not None:
            progress(done, len(handed))
    if not cutover.rolled_back:
        cutover.roll_back(len(handed))
        ledger.save(cutover)
    return RollbackResult(cutover.id, returned)


def _batches_of(items: list[tuple[UUID, str]], size: int) -> Iterator[tuple[int, list[tuple[UUID, str]]]]:
    for start in range(0, len(items), size):
        batch = items[start : start + size]
        yield start + len(batch), batch
