"""The procedure catalogue: each procedure's statutory period, extension rules and legal basis, as data,
versioned by the date a policy came into force.

A clock looks up the version in force on the day it starts and records that version's id and the legal
basis on its events, so that replaying an old case gives the answer of its time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from ind.procedures import Procedure
from ind.statutory.periods import Period


class ClockStart(StrEnum):
    RECEIVED = "received"  # the day the IND receives the application
    FEE_PAID = "fee_paid"  # naturalisation: the day the fee (leges) is paid
    OBJECTION_PERIOD_ENDED = "objection_period_ended"  # bezwaar: the day after the 4 weeks end


@dataclass(frozen=True)
class ExtensionRule:
    legal_basis: str
    max_total: Period  # all extensions of one case together
    max_count: int


class Review(StrEnum):
    OBJECTION = "objection"  # bezwaar at the IND first
    APPEAL = "appeal"  # straight to court (asylum; a decision on an objection)


@dataclass(frozen=True)
class RequiredSteps:
    """The steps a procedure requires on the way to its decision, as data."""

    track_before_acceptance: bool  # intake sets an asylum track (spoor 1, 2 or 4) before accepting
    hearing_kinds: frozenset[str]  # the hearings the procedure uses
    merits_hearing_before_decision: bool  # a detailed or shortened hearing before any decision
    intended_decision_before_rejection: bool  # voornemen and room for a zienswijze first
    prolonged_procedure: bool  # a case may be referred to the prolonged procedure (VA)
    review: Review  # what an applicant does against a rejection
    residence_document: bool  # a grant is followed by a document to issue
    # Asylum: the general procedure's length in working days by variant (AA 6, AA+ 9); the prolonged
    # procedure (VA) has no fixed length. Empty for other procedures.
    general_procedure_days: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ProcedureRules:
    procedure: Procedure
    period: Period
    legal_basis: str
    clock_starts: ClockStart
    extension: ExtensionRule | None
    late_decision_penalty: bool  # dwangsom after a notice of default (Awb 4:17)
    steps: RequiredSteps


@dataclass(frozen=True)
class PolicyVersion:
    id: str
    effective_from: date
    description: str
    rules: Mapping[Procedure, ProcedureRules]


class UnknownPolicyVersion(LookupError):
    pass


class ProcedureCatalogue:
    def __init__(self, versions: Iterable[PolicyVersion]) -> None:
        self.versions = sorted(versions, key=lambda v: v.effective_from)
        self._starts = [v.effective_from for v in self.versions]

    @property
    def first_day(self) -> date:
        """The first day a policy version is in force: a clock cannot start before it."""
        return self.versions[0].effective_from

    def in_force(self, on: date) -> PolicyVersion:
        index = bisect_right(self._starts, on) - 1
        if index < 0:
            raise UnknownPolicyVersion(f"no policy version in force on {on}")
        return self.versions[index]

    def rules(self, procedure: Procedure, on: date) -> ProcedureRules:
        return self.in_force(on).rules[procedure]

    def version(self, version_id: str) -> PolicyVersion:
        for version in self.versions:
            if version.id == version_id:
                return version
        raise UnknownPolicyVersion(f"no policy version {version_id!r}")


ASYLUM_STEPS = RequiredSteps(
    track_before_acceptance=True,
    hearing_kinds=frozenset({"registration", "detailed", "shortened"}),
    merits_hearing_before_decision=True,
    intended_decision_before_rejection=True,
    prolonged_procedure=True,
    review=Review.APPEAL,
    residence_document=True,
    general_procedure_days=(("AA", 6), ("AA+", 9)),
)
REGULAR_STEPS = RequiredSteps(
    track_before_acceptance=False,
    hearing_kinds=frozenset({"shortened"}),
    merits_hearing_before_decision=False,
    intended_decision_before_rejection=False,
    prolonged_procedure=False,
    review=Review.OBJECTION,
    residence_document=True,
)
NATURALISATION_STEPS = replace(REGULAR_STEPS, residence_document=False)  # a royal decree, no permit card
OBJECTION_STEPS = replace(REGULAR_STEPS, review=Review.APPEAL, residence_document=False)


def _rules(
    procedure: Procedure,
    period: Period,
    legal_basis: str,
    *,
    starts: ClockStart = ClockStart.RECEIVED,
    extension: ExtensionRule | None = None,
    penalty: bool = True,
    steps: RequiredSteps = REGULAR_STEPS,
) -> ProcedureRules:
    return ProcedureRules(procedure, period, legal_basis, starts, extension, penalty, steps)


REGULAR_EXTENSION = ExtensionRule("Vw 2000 art. 25(2)", Period(days=90), max_count=1)
ASYLUM_EXTENSION = ExtensionRule(
    "Vw 2000 art. 42(4); Procedurerichtlijn 2013/32/EU art. 31(3)-(5)",
    Period(months=15),  # 6 + 9 + 3 + 3 = 21 months at most
    max_count=3,
)
_REGULAR = "Vw 2000 art. 25(1)"

# Sources: research/domain.md section 1 (ind.nl beslistermijnen; Vw 2000; RWN; Awb; WBV 2022/22).
BASELINE = PolicyVersion(
    id="2021.1",
    effective_from=date(2020, 7, 10),  # the dwangsom no longer applies to asylum (Stb. 2020, 236)
    description="Statutory periods as published by the IND; no dwangsom for asylum since 10 July 2020.",
    rules={
        Procedure.ASYLUM: _rules(
            Procedure.ASYLUM,
            Period(months=6),
            "Vw 2000 art. 42(1)",
            extension=ASYLUM_EXTENSION,
            penalty=False,
            steps=ASYLUM_STEPS,
        ),
        Procedure.FAMILY_REUNIFICATION: _rules(
            Procedure.FAMILY_REUNIFICATION, Period(days=90), "Vw 2000 art. 2u", extension=REGULAR_EXTENSION
        ),
        **{
            p: _rules(p, Period(days=90), _REGULAR, extension=REGULAR_EXTENSION)
            for p in (
                Procedure.HIGHLY_SKILLED_MIGRANT,
                Procedure.FAMILY,
                Procedure.RENEWAL,
                Procedure.CHANGE_OF_PURPOSE,
            )
        },
        **{
            p: _rules(p, Period(days=60), _REGULAR, extension=REGULAR_EXTENSION)
            for p in (Procedure.STUDY, Procedure.RESEARCH)
        },
        Procedure.NATURALISATION: _rules(
            Procedure.NATURALISATION,
            Period(months=12),
            "RWN art. 9(4)",
            starts=ClockStart.FEE_PAID,
            steps=NATURALISATION_STEPS,
        ),
        Procedure.OBJECTION: _rules(
            Procedure.OBJECTION,
            Period.of_weeks(6),
            "Awb 7:10(1)",
            starts=ClockStart.OBJECTION_PERIOD_ENDED,
            extension=ExtensionRule("Awb 7:10(3)", Period.of_weeks(6), max_count=1),
            steps=OBJECTION_STEPS,
        ),
    },
)

ASYLUM_15_MONTHS = PolicyVersion(
    id="2022.2",
    effective_from=date(2022, 9, 27),
    description="Asylum period extended to 15 months for every pending and new application (WBV 2022/22, "
    "renewed by WBV 2023/3 and 2023/26).",
    rules={
        **BASELINE.rules,
        Procedure.ASYLUM: replace(
            BASELINE.rules[Procedure.ASYLUM],
            period=Period(months=15),
            legal_basis="Vw 2000 art. 42(4)(b); WBV 2022/22",
            extension=replace(ASYLUM_EXTENSION, max_total=Period(months=6), max_count=2),
        ),
    },
)

CJEU_C_662_23 = PolicyVersion(
    id="2025.1",
    effective_from=date(2025, 5, 8),
    description="The general +9 months is lawful only for a sudden, large rise in applications "
    "(CJEU C-662/23); asylum returns to 6 months.",
    rules={**BASELINE.rules},
)

IND_CATALOGUE = ProcedureCatalogue([BASELINE, ASYLUM_15_MONTHS, CJEU_C_662_23])
