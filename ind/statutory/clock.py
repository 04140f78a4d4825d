"""The statutory clock (beslistermijn) of one case: a pure value, no I/O, no hidden "now".

deadline = the next working day on or after
           start + base period + extensions + suspended days

Suspensions (opschorting, Awb 4:15) freeze the clock: every suspended day moves the deadline by a day;
a suspension still open counts up to the day asked about. Extensions (verlenging) add a period, within
the procedure's cap. The policy version and legal basis the clock started under travel with it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from backbone.errors import DomainRuleViolation
from ind.procedures import Procedure
from ind.statutory.catalogue import IND_CATALOGUE, ProcedureCatalogue, ProcedureRules
from ind.statutory.periods import Period
from ind.statutory.working_days import WorkingDayCalendar

DEFAULT_CALENDAR = WorkingDayCalendar()


class ClockRuleViolation(DomainRuleViolation):
    """A change to the clock that the law or the clock's own state does not allow."""


@dataclass(frozen=True)
class Suspension:
    start: date  # the first suspended day
    end: date | None  # the first day the clock runs again; None while suspended
    reason: str
    legal_basis: str

    def days_until(self, today: date) -> int:
        end = self.end if self.end is not None else max(today, self.start)
        return max(0, (end - self.start).days)


@dataclass(frozen=True)
class Extension:
    period: Period
    reason: str
    legal_basis: str


@dataclass(frozen=True)
class ClockReading:
    deadline: date
    days_remaining: int
    days_overdue: int
    suspended: bool


@dataclass(frozen=True)
class StatutoryClock:
    procedure: Procedure
    started_on: date
    rules: ProcedureRules
    policy_version: str
    extensions: tuple[Extension, ...] = ()
    suspensions: tuple[Suspension, ...] = ()
    carried_suspended_days: int = 0  # suspended before this clock was handed over (at intake)

    @classmethod
    def start(
        cls, procedure: Procedure, started_on: date, catalogue: ProcedureCatalogue = IND_CATALOGUE
    ) -> StatutoryClock:
        version = catalogue.in_force(started_on)
        return cls(procedure, started_on, version.rules[procedure], version.id)

    @classmethod
    def handed_over(
        cls,
        procedure: Procedure,
        started_on: date,
        policy_version: str,
        suspended_days: int,
        catalogue: ProcedureCatalogue = IND_CATALOGUE,
    ) -> StatutoryClock:
        """The clock another service started, under the policy version it recorded."""
        rules = catalogue.version(policy_version).rules[procedure]
        return cls(procedure, started_on, rules, policy_version, carried_suspended_days=suspended_days)

    @property
    def legal_basis(self) -> str:
        return self.rules.legal_basis

    @property
    def period(self) -> Period:
        total = self.rules.period
        for extension in self.extensions:
            total = total + extension.period
        return total

    @property
    def is_suspended(self) -> bool:
        return bool(self.suspensions) and self.suspensions[-1].end is None

    def extend(self, period: Period, reason: str) -> StatutoryClock:
        rule = self.rules.extension
        if rule is None:
            raise ClockRuleViolation(f"the {self.procedure.value} period cannot be extended")
        if len(self.extensions) >= rule.max_count:
            raise ClockRuleViolation(
                f"the {self.procedure.value} period may be extended {rule.max_count} time(s) at most "
                f"({rule.legal_basis})"
            )
        used = Period()
        for extension in self.extensions:
            used = used + extension.period
        if (used + period).after(self.started_on) > rule.max_total.after(self.started_on):
            raise ClockRuleViolation(
                f"extending by {period} would exceed the cap of {rule.max_total} in all "
                f"({rule.legal_basis}); already extended by {used}"
            )
        return replace(self, extensions=(*self.extensions, Extension(period, reason, rule.legal_basis)))

    def suspend(self, on: date, reason: str, legal_basis: str = "Awb 4:15") -> StatutoryClock:
        if self.is_suspended:
            raise ClockRuleViolation(
                f"the clock is already suspended since {self.suspensions[-1].start}; "
                "suspensions may not overlap"
            )
        if on < self.started_on:
            raise ClockRuleViolation(
                f"cannot suspend on {on}, before the clock started ({self.started_on})"
            )
        last_end = self.suspensions[-1].end if self.suspensions else None
        if last_end is not None and on < last_end:
            raise ClockRuleViolation(f"a suspension from {on} overlaps the one that ended on {last_end}")
        return replace(self, suspensions=(*self.suspensions, Suspension(on, None, reason, legal_basis)))

    def resume(self, on: date) -> StatutoryClock:
        if not self.is_suspended:
            raise ClockRuleViolation("the clock is not suspended")
        current = self.suspensions[-1]
        if on < current.start:
            raise ClockRuleViolation(
                f"cannot resume on {on}, before the suspension began ({current.start})"
            )
        return replace(self, suspensions=(*self.suspensions[:-1], replace(current, end=on)))

    def suspended_days(self, today: date) -> int:
        return self.carried_suspended_days + sum(s.days_until(today) for s in self.suspensions)

    def deadline(self, today: date, calendar: WorkingDayCalendar = DEFAULT_CALENDAR) -> date:
        unrolled = self.period.after(self.started_on) + timedelta(days=self.suspended_days(today))
        return calendar.on_or_after(unrolled)

    def reading(self, today: date, calendar: WorkingDayCalendar = DEFAULT_CALENDAR) -> ClockReading:
        deadline = self.deadline(today, calendar)
        return ClockReading(
            deadline=deadline,
            days_remaining=max(0, (deadline - today).days),
            days_overdue=max(0, (today - deadline).days),
            suspended=self.is_suspended and self.suspensions[-1].start <= today,
        )
