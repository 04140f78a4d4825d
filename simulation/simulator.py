"""The IND workload simulator: week by week, applications arrive (``inflow.py``), intake handles them,
and decision works its cases within each procedure's weekly capacity (``casework.py``), all through the
real intake and decision commands with a clock that moves.

Commands are recorded a working day of intake, or a procedure's week of decisions, per transaction
(``CaseService.batch``), in the order they were given, so the events are the same as with one command
per transaction (``one_command_per_transaction``), at a fraction of the commits.

Deterministic for a seed: every random choice comes from a generator seeded by the plan's seed, the
purpose (arrivals, intake, each procedure's casework) and the week, used in a fixed order; the ids
and correlation ids the services would otherwise draw at random are given (idempotency keys and
correlation ids derived from the seed), so the same plan gives the same events.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import structlog

from backbone.clock import ManualClock
from backbone.errors import DomainRuleViolation, NotFound
from ind.procedures import Procedure
from ind.routing import OwningSystem
from services.decision.application.commands import parse_case_command
from services.decision.application.decision import Decision
from services.intake.application.commands import (
    AcceptApplication,
    ApplicationCommand,
    ClassifyApplication,
    NotifyDefect,
    PayFee,
    RemedyDefect,
    StopProcessing,
    WithdrawApplication,
    parse_submission,
)
from services.intake.application.intake import Intake
from services.intake.domain.vocabulary import AsylumTrack, Complexity
from simulation.casework import SimCase, WeekBudget, week_of_work
from simulation.checkpoint import case_from_json, case_to_json, write_checkpoint
from simulation.inflow import InflowModel
from simulation.legacy_share import LegacyDesk
from simulation.plan import PROCEDURES, SimulationPlan, plan_to_json
from simulation.samples import NATURALISATION_FEE_CENTS, TARGET_GROUPS, sample_application

log = structlog.get_logger("simulation")
Progress = Callable[[int, int], None]  # (weeks done, weeks in all)
SIMULATION = UUID("0b7c1f0e-9a53-5d7e-8f0a-3f1f5e2d6c41")  # namespace of the simulator's ids
WORKING_DAYS = 5
KEPT_CASES = 400_000  # cases kept in memory between batches: the open ones at scale 1.0, with room


@dataclass
class ProcedureFigures:
    inflow: int = 0
    accepted: int = 0
    decided: int = 0


@dataclass
class SimulationStats:
    weeks: int = 0
    applications: int = 0
    accepted: int = 0
    not_processed: int = 0
    withdrawn: int = 0
    decided: int = 0
    commands: int = 0
    refused: int = 0  # commands the services refused (each one a simulator/domain disagreement)
    open_cases: int = 0
    legacy_registered: int = 0  # applications of procedures the legacy owns, registered there
    per_procedure: dict[str, ProcedureFigures] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in vars(self).items() if k != "per_procedure"},
            "per_procedure": {p: vars(f) for p, f in self.per_procedure.items()},
        }


@dataclass
class _Pending:
    """An intake step that waits for the applicant: a defect remedied (or not), a withdrawal."""

    due: date
    application_id: UUID
    procedure: str
    action: str  # remedy, stop, withdraw


class Simulator:
    def __init__(
        self,
        intake: Intake,
        decision: Decision,
        clock: ManualClock,
        settle: Callable[[], None],
        plan: SimulationPlan,
        *,
        one_command_per_transaction: bool = False,
        legacy: LegacyDesk | None = None,
    ) -> None:
        """``legacy``: where the applications of procedures the routing table (intake's) gives the
        legacy case system are registered and worked; required when it gives it any."""
        self.intake, self.decision, self.clock, self.settle, self.plan = (
            intake,
            decision,
            clock,
            settle,
            plan,
        )
        self.one_command_per_transaction = one_command_per_transaction
        self.routing, self.legacy = intake.routing, legacy
        if self.routing.legacy_routes and legacy is None:
            raise ValueError(
                f"routing table {self.routing.version} gives procedures to the legacy case system: "
                "the simulator needs a legacy desk to work them"
            )
        # Its keys are numbered by this simulator alone, so they are new, except in the week a resumed
        # simulation does again: that week's are asked about (the services answer the recorded ones).
        self.keys_checked_before_week = 0
        for service in (intake, decision):
            service.keep_cases(KEPT_CASES)
        self.rng = random.Random(plan.seed)  # replaced per week and purpose by _stream()
        self.inflow = InflowModel(plan.scale, plan.shocks)
        self.queues: dict[str, list[SimCase]] = {p: [] for p in PROCEDURES}
        self.pending: list[_Pending] = []
        self.carry = dict.fromkeys(PROCEDURES, 0.0)
        self.stats = SimulationStats(per_procedure={p: ProcedureFigures() for p in PROCEDURES})
        self._counter = 0

    def run(
        self,
        progress: Progress | None = None,
        checkpoint: Path | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> SimulationStats:
        """Simulate from the week reached (0, or the restored one) to the plan's last week, writing
        ``checkpoint`` after each week; ``stop`` is asked before each week whether to stop there."""
        for week in range(self.stats.weeks, self.plan.weeks):
            if stop is not None and stop():
                break
            monday = self.plan.first_monday + timedelta(weeks=week)
            self._intake_week(monday)
            self._decision_week(week, monday + timedelta(days=4))
            self.stats.weeks = week + 1
            if checkpoint is not None:
                self.settle()  # what the checkpoint says was done has reached every service
                write_checkpoint(checkpoint, plan_to_json(self.plan), self.state())
            if progress is not None:
                progress(week + 1, self.plan.weeks)
        self.settle()
        for service in (self.intake, self.decision):
            service.keep_cases(0)  # the services may serve other writers next (the demo's API)
        self.stats.open_cases = sum(len(q) for q in self.queues.values())
        return self.stats

    # -- checkpoints -----------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Everything the simulator keeps between weeks (``simulation/checkpoint.py``)."""
        return {
            "weeks_done": self.stats.weeks,
            "key_counter": self._counter,
            "queues": {p: [case_to_json(c) for c in q] for p, q in self.queues.items()},
            "pending": [asdict(p) for p in self.pending],
            "carry": self.carry,
            "stats": self.stats.as_json(),
        }

    def last_key(self) -> str | None:
        """The idempotency key of the last command given (None before the first)."""
        return f"sim-{self.plan.seed}-{self._counter}" if self._counter else None

    def restore(self, state: dict[str, Any]) -> None:
        self._counter = state["key_counter"]
        self.queues = {p: [case_from_json(c) for c in q] for p, q in state["queues"].items()}
        self.pending = [
            _Pending(date.fromisoformat(p["due"]), UUID(p["application_id"]), p["procedure"], p["action"])
            for p in state["pending"]
        ]
        self.carry = dict(state["carry"])
        self.keys_checked_before_week = state["weeks_done"] + 1
        counts = dict(state["stats"])
        per_procedure = counts.pop("per_procedure")
        self.stats = SimulationStats(
            **counts, per_procedure={p: ProcedureFigures(**f) for p, f in per_procedure.items()}
        )
        self.stats.weeks = state["weeks_done"]

    # -- intake ----------------------------------------------------------------------------------

    def _intake_week(self, monday: date) -> None:
        self.rng = self._stream("intake", monday)
        arrivals = self.inflow.draw(monday, self._stream("inflow", monday))
        days: list[list[str]] = [[] for _ in range(WORKING_DAYS)]
        for procedure, count in arrivals.items():
            for _ in range(count):
                days[self.rng.randrange(WORKING_DAYS)].append(procedure)
        for offset, procedures in enumerate(days):
            today = monday + timedelta(days=offset)
            self._at(today, time(10))
            with self._transaction(self.intake):
                self._intake_follow_ups(today)
                for procedure in procedures:
                    if self._legacy_owns(procedure, today):
                        self._register_in_legacy(procedure, today)
                    else:
                        self._submit(procedure, today)
            if self.legacy is not None:
                self.legacy.close_day(today)

    def _legacy_owns(self, procedure: str, today: date) -> bool:
        route = self.routing.route_of(Procedure(procedure))
        return route is not None and route.owner(today) is OwningSystem.LEGACY

    def _register_in_legacy(self, procedure: str, today: date) -> None:
        assert self.legacy is not None  # checked when built
        self.legacy.register(procedure, today)
        self._count(procedure, "inflow")
        self.stats.applications += 1
        self.stats.legacy_registered += 1

    def _submit(self, procedure: str, today: date) -> None:
        parameters = self.plan.parameters
        application = sample_application(self.rng, procedure, today)
        key = self._next_key()
        application_id = self.intake.submit_application(
            parse_submission(application), idempotency_key=key, correlation_id=self._correlation(key)
        )
        self._count(procedure, "inflow")
        self.stats.applications += 1
        self.stats.commands += 1
        if procedure == "naturalisation":
            self._intake(application_id, PayFee(paid_on=today, amount_cents=NATURALISATION_FEE_CENTS))
        if procedure == "asylum":
            tracks = parameters.asylum_tracks
            self._intake(
                application_id,
                ClassifyApplication(
                    track=AsylumTrack(self.rng.choices(list(tracks), list(tracks.values()))[0]),
                    complexity=Complexity(self.rng.choice(["low", "medium", "high"])),
                    target_group=TARGET_GROUPS.get(application["nationality"]),
                ),
            )
        roll = self.rng.random()
        if roll < parameters.withdrawn:
            due = today + timedelta(weeks=self.rng.randint(1, 3))
            self.pending.append(_Pending(due, application_id, procedure, "withdraw"))
        elif roll < parameters.withdrawn + parameters.defect:
            remedy_by = today + timedelta(days=14)
            self._intake(
                application_id,
                NotifyDefect(notified_on=today, remedy_by=remedy_by, missing=["passport_copy"]),
            )
            if self.rng.random() < parameters.defect_unremedied:
                self.pending.append(
                    _Pending(remedy_by + timedelta(days=1), application_id, procedure, "stop")
                )
            else:
                due = today + timedelta(days=self.rng.randint(1, 13))
                self.pending.append(_Pending(due, application_id, procedure, "remedy"))
        else:
            self._accept(application_id, procedure, today)

    def _intake_follow_ups(self, today: date) -> None:
        due = [p for p in self.pending if p.due <= today]
        self.pending = [p for p in self.pending if p.due > today]
        for step in due:
            if step.action == "withdraw":
                self._intake(step.application_id, WithdrawApplication(withdrawn_on=today))
                self.stats.withdrawn += 1
            elif step.action == "stop":
                self._intake(step.application_id, StopProcessing(decided_on=today))
                self.stats.not_processed += 1
            else:
                self._intake(step.application_id, RemedyDefect(remedied_on=today))
                self._accept(step.application_id, step.procedure, today)

    def _accept(self, application_id: UUID, procedure: str, today: date) -> None:
        if self._intake(application_id, AcceptApplication()):
            self.queues[procedure].append(SimCase(application_id, procedure, today))
            self.stats.accepted += 1
            self._count(procedure, "accepted")

    def _intake(self, application_id: UUID, command: ApplicationCommand) -> bool:
        key = self._next_key()
        try:
            self.intake.execute(
                application_id, command, idempotency_key=key, correlation_id=self._correlation(key)
            )
        except DomainRuleViolation as refusal:
            self._refused("intake", type(command).__name__, application_id, refusal)
            return False
        self.stats.commands += 1
        return True

    # -- decision --------------------------------------------------------------------------------

    def _decision_week(self, week: int, friday: date) -> None:
        self._at(friday, time(15))
        self.settle()  # decision opens the cases intake accepted
        parameters = self.plan.parameters
        for procedure in PROCEDURES:
            self.carry[procedure] += self.plan.decisions_per_week(procedure, week)
            decisions = int(self.carry[procedure])
            self.carry[procedure] -= decisions
            budget = WeekBudget(decisions, round(parameters.work_in_progress * max(decisions, 1)))
            queue = self.queues[procedure]
            work = week_of_work(
                queue,
                budget,
                friday,
                self._stream(f"casework/{procedure}", friday),
                parameters,
                extension_allowed=self._sudden_rise(friday),
            )
            with self._transaction(self.decision):
                for case, (action, fields) in work.commands:
                    self._decide(case, action, fields, friday)
            self.stats.decided += work.decided
            self._count(procedure, "decided", work.decided)
            self.queues[procedure] = [c for c in queue if c.phase != "closed"]

    def _decide(self, case: SimCase, action: str, fields: dict[str, Any], today: date) -> None:
        key = self._next_key()
        try:
            result = self.decision.execute(
                case.case_id,
                parse_case_command(action, fields),
                correlation_id=self._correlation(key),
                idempotency_key=key,  # a week done again after a crash is answered from the record
            )
        except (DomainRuleViolation, NotFound) as refusal:
            self._refused("decision", action, case.case_id, refusal)
            return
        self.stats.commands += 1
        case.deadline, case.clock_started = result.statutory_deadline, result.clock.started_on
        if action == "file-objection" and result.objection_case_id is not None:
            self.queues["objection"].append(SimCase(result.objection_case_id, "objection", today))
            self._count("objection", "inflow")
            self._count("objection", "accepted")

    def _sudden_rise(self, today: date) -> bool:
        """An asylum shock began within the last year: the +9 months extension is lawful."""
        return any(
            s.procedure == "asylum" and s.starts_on <= today < s.starts_on + timedelta(weeks=52)
            for s in self.plan.shocks
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _refused(self, service: str, command: str, case_id: UUID, refusal: Exception) -> None:
        """A command the service refused: the simulator's idea of the case disagreed with the service's.
        Counted, and logged with the service's reason, so that the disagreement can be found."""
        self.stats.refused += 1
        log.warning(
            "simulated_command_refused",
            service=service,
            command=command,
            case_id=str(case_id),
            week=self.stats.weeks,
            on=str(self.clock.now().date()),
            reason=str(refusal),
        )

    @contextmanager
    def _transaction(self, service: Intake | Decision) -> Iterator[None]:
        """The commands in the block recorded in one transaction (unless one per transaction)."""
        if self.one_command_per_transaction:
            yield
            return
        with service.batch(check_keys=self.stats.weeks < self.keys_checked_before_week):
            yield

    def _at(self, day: date, moment: time) -> None:
        self.clock.set(datetime.combine(day, moment, tzinfo=UTC))

    def _stream(self, purpose: str, day: date) -> random.Random:
        """The random numbers of one purpose in one week: arrivals do not change when, say, capacity
        does (a what-if compares like with like), and the same seed gives the same numbers."""
        return random.Random(f"{self.plan.seed}/{purpose}/{day.isocalendar()[:2]}")

    def _next_key(self) -> str:
        self._counter += 1
        key = self.last_key()
        assert key is not None
        return key

    def _correlation(self, key: str) -> str:
        return str(uuid5(SIMULATION, key))

    def _count(self, procedure: str, what: str, n: int = 1) -> None:
        figures = self.stats.per_procedure[procedure]
        setattr(figures, what, getattr(figures, what) + n)
