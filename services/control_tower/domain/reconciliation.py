"""Reconciliation: what the legacy system of record says of its cases against what the tower shows,
per procedure x stage (counts) and case by case (stage, deadline). Pure; no I/O.

Cases are matched by case id, whichever system the tower says owns the case: a legacy case taken over
by the backbone keeps its id, so its legacy row is compared with the backbone's case. A tower case is
expected in the legacy tables only if the tower says the legacy system owns it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

LEGACY = "legacy"
MISSING_IN_TOWER = "missing_in_tower"  # a legacy case the tower does not show
MISSING_IN_LEGACY = "missing_in_legacy"  # the tower shows a legacy case the legacy tables do not hold
PROCEDURE_DIFFERS = "procedure_differs"
STAGE_DIFFERS = "stage_differs"
DEADLINE_DIFFERS = "deadline_differs"
NOT_TRANSLATED = "not_translated"  # a row the bridge refused: explained (backbone legacy not-translated)
REASONS = (
    MISSING_IN_TOWER,
    MISSING_IN_LEGACY,
    PROCEDURE_DIFFERS,
    STAGE_DIFFERS,
    DEADLINE_DIFFERS,
    NOT_TRANSLATED,
)
EXPLAINED = frozenset({NOT_TRANSLATED})
# A moved case's legacy row is kept by the legacy mimic, whose code list is coarser than the backbone's
# stages: for these it writes no code and the row keeps the one before (docs/legacy.md, "Legacy
# mimic"). The legacy stages that row can then show, which are no difference.
UNSAYABLE_IN_LEGACY = {
    "hearing": frozenset({"accepted", "in_decision", "waiting_on_applicant"}),
    "intended_decision": frozenset({"accepted", "in_decision", "waiting_on_applicant"}),
    "awaiting_issue": frozenset({"decided"}),
}


def deadline_on(statutory_deadline: date | None, suspended_since: date | None, today: date) -> date | None:
    """The deadline as the views show it on ``today``: an open suspension pushes it along day by day
    (as ``CaseClock.deadline_on``)."""
    if statutory_deadline is None:
        return None
    if suspended_since is not None and today > suspended_since:
        return statutory_deadline + timedelta(days=(today - suspended_since).days)
    return statutory_deadline


@dataclass(frozen=True)
class LegacyCase:
    """A legacy case as the legacy tables say, translated: what the tower should show (its deadline on
    the reconciliation's day)."""

    case_id: str
    zaaknummer: str
    procedure: str
    stage: str
    deadline: date | None


@dataclass(frozen=True)
class RefusedRow:
    """A legacy row the bridge refuses to translate, so the tower cannot show it as it is."""

    case_id: str
    zaaknummer: str
    procedure: str | None  # None when the procedure itself is what could not be read
    table: str
    column: str
    rule: str
    case_row: bool  # the case row itself was refused: there is no translation of the case to compare


@dataclass(frozen=True)
class ShownCase:
    """A case as the tower shows it: its deadline without and since when an open suspension."""

    case_id: str
    system: str
    procedure: str
    stage: str
    statutory_deadline: date | None
    suspended_since: date | None

    def deadline(self, today: date) -> date | None:
        return deadline_on(self.statutory_deadline, self.suspended_since, today)


@dataclass(frozen=True)
class Difference:
    case_id: str
    zaaknummer: str | None
    procedure: str
    reason: str
    legacy: str | None  # the legacy side's value (stage, deadline, procedure, or the refusal's rule)
    tower: str | None  # the tower's

    @property
    def explained(self) -> bool:
        return self.reason in EXPLAINED


@dataclass(frozen=True)
class StageCount:
    procedure: str
    stage: str
    legacy: int
    tower: int


@dataclass(frozen=True)
class Reconciliation:
    at: datetime
    today: date
    procedure: str | None
    compared: int  # cases in both
    counts: list[StageCount]
    differences: list[Difference]
    caught_up: bool = True  # whether the tower had read the bridge's topic to its end
    behind: dict[str, int] = field(default_factory=dict)  # events the tower had not read, per stream

    @property
    def unexplained(self) -> list[Difference]:
        return [d for d in self.differences if not d.explained]

    def by_reason(self) -> dict[tuple[str, str], int]:
        """Differences per (procedure, reason), every reason of every procedure seen (0 if none)."""
        procedures = {c.procedure for c in self.counts} | {d.procedure for d in self.differences}
        found = Counter((d.procedure, d.reason) for d in self.differences)
        return {(p, r): found[(p, r)] for p in sorted(procedures) for r in REASONS}


def reconcile(
    legacy: Iterable[LegacyCase],
    refused: Iterable[RefusedRow],
    shown: Iterable[ShownCase],
    *,
    at: datetime,
    today: date,
    procedure: str | None = None,
) -> Reconciliation:
    """Every difference between the legacy cases (``legacy``, ``refused``) and the tower's (``shown``);
    ``procedure``: only that procedure's cases, on either side."""
    refusals = [r for r in refused if procedure in (None, r.procedure)]
    untranslated = {r.case_id for r in refusals if r.case_row}
    cases = {c.case_id: c for c in legacy if c.case_id not in untranslated}
    tower = {c.case_id: c for c in shown}
    differences = [_refusal(r, tower.get(r.case_id)) for r in refusals]
    counts: Counter[tuple[str, str, str]] = Counter()
    compared = 0
    for case in cases.values():
        seen = tower.get(case.case_id)
        if procedure is not None and case.procedure != procedure:
            if seen is not None and seen.procedure == procedure:
                counts["tower", seen.procedure, seen.stage] += 1
                differences.append(_differ(case, PROCEDURE_DIFFERS, case.procedure, seen.procedure))
            continue
        counts["legacy", case.procedure, case.stage] += 1
        if seen is None:
            differences.append(_differ(case, MISSING_IN_TOWER, case.stage, None))
            continue
        compared += 1
        counts["tower", seen.procedure, seen.stage] += 1
        differences.extend(_case_differences(case, seen, today))
    for seen in tower.values():
        if seen.system != LEGACY or seen.case_id in cases or seen.case_id in untranslated:
            continue
        if procedure in (None, seen.procedure):
            counts["tower", seen.procedure, seen.stage] += 1
            differences.append(
                Difference(seen.case_id, None, seen.procedure, MISSING_IN_LEGACY, None, seen.stage)
            )
    return Reconciliation(
        at=at,
        today=today,
        procedure=procedure,
        compared=compared,
        counts=_stage_counts(counts),
        differences=sorted(
            differences, key=lambda d: (d.procedure, d.reason, d.zaaknummer or "", d.case_id)
        ),
    )


def _case_differences(case: LegacyCase, seen: ShownCase, today: date) -> list[Difference]:
    found = []
    if case.procedure != seen.procedure:
        found.append(_differ(case, PROCEDURE_DIFFERS, case.procedure, seen.procedure))
    if case.stage != seen.stage and not _as_the_legacy_can_say_it(case.stage, seen):
        found.append(_differ(case, STAGE_DIFFERS, case.stage, seen.stage))
    if case.deadline != seen.deadline(today):
        found.append(_differ(case, DEADLINE_DIFFERS, _day(case.deadline), _day(seen.deadline(today))))
    return found


def _as_the_legacy_can_say_it(legacy_stage: str, seen: ShownCase) -> bool:
    """A backbone case in a stage the legacy code list has no code for, whose row shows the stage
    before it."""
    return seen.system != LEGACY and legacy_stage in UNSAYABLE_IN_LEGACY.get(seen.stage, ())


def _differ(case: LegacyCase, reason: str, legacy: str | None, tower: str | None) -> Difference:
    return Difference(case.case_id, case.zaaknummer, case.procedure, reason, legacy, tower)


def _refusal(row: RefusedRow, seen: ShownCase | None) -> Difference:
    procedure = row.procedure or (seen.procedure if seen else "unknown")
    rule = f"{row.table}.{row.column}: {row.rule}"
    return Difference(
        row.case_id, row.zaaknummer, procedure, NOT_TRANSLATED, rule, seen.stage if seen else None
    )


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _stage_counts(counts: Counter[tuple[str, str, str]]) -> list[StageCount]:
    keys = sorted({(p, s) for _, p, s in counts})
    return [StageCount(p, s, counts["legacy", p, s], counts["tower", p, s]) for p, s in keys]
