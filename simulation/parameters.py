"""The simulator's distributions, each with its source or marked as an assumption.

Sources: ``../shared/DOMAIN.md`` and ``../shared/research/domain.md`` (IND annual figures and news, CBS).
Assumptions are the simulator's own choices where no public figure was found; they are meant to be
replaced by the IND's own figures, and every one of them is a field a planner can change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Decisions a week, as a share of the procedure's mean weekly inflow (the "budget").
PRODUCTION = {
    # Track-4 asylum production ran at 55-63% of budget in 2024-25 (1,710/3,030; 1,930/3,220; 2,030/3,220).
    "asylum": 0.60,
    # Nareis: a third decided after the legal limit in early 2022. Assumption: 85% of inflow.
    "family_reunification": 0.85,
    # Naturalisation: all within term in 2025. Assumption: production a little above inflow.
    "naturalisation": 1.02,
    # Labour migration: 53% within term in 2025. Assumption: 92% of inflow.
    "highly_skilled_migrant": 0.92,
    # Other regular categories: 80-100% within term in 2025. Assumption: production equals inflow.
    "family": 1.0,
    "study": 1.0,
    "research": 1.0,
    "renewal": 1.0,
    "change_of_purpose": 1.0,
    # Objections: 22,000 regular objection cases pending at the end of 2023. Assumption: 90% of inflow.
    "objection": 0.90,
}
# Share of decisions that grant. Asylum AA/VA: 78% (2022), 62% (2023), 58% (2024), 36% (2025).
ASYLUM_GRANT_RATE = {2022: 0.78, 2023: 0.62, 2024: 0.58, 2025: 0.36}
ASYLUM_GRANT_RATE_OTHER_YEARS = 0.60  # assumption: about the 2022-2025 mean
# Assumptions: regular and naturalisation decisions mostly grant; objections mostly fail.
GRANT_RATE = {"naturalisation": 0.95, "objection": 0.25}
GRANT_RATE_REGULAR = 0.85


@dataclass(frozen=True)
class CaseworkParameters:
    """How cases move; weekly probabilities are per case and per week it is worked on."""

    # Intake (assumptions). A defect notice (herstel verzuim) for one in ten; most are remedied.
    defect: float = 0.10
    defect_unremedied: float = 0.15  # of those: not processed
    withdrawn: float = 0.01
    # Asylum tracks (assumption; Dublin and safe-country cases are the minority).
    asylum_tracks: dict[str, float] = field(
        default_factory=lambda: {"dublin": 0.20, "safe_country": 0.10, "general": 0.70}
    )
    # Asylum general track: referred to the prolonged procedure (VA) after the hearing (assumption).
    prolonged: float = 0.30
    # Information requested (suspending the clock), once per case at most (assumption), and how many
    # weeks the applicant takes (uniform, assumption).
    information_request: float = 0.12
    information_weeks: tuple[int, int] = (1, 6)
    # A notice of default each week a non-asylum case is overdue (assumption, calibrated so that some
    # 20-30k notices a year arise at 2023-like backlogs: 28,670 in 2023, about 30,000 in 2024).
    notice_of_default: float = 0.15
    # Escalation of a case more than 8 weeks overdue (assumption), resolved 2-4 weeks later.
    escalation: float = 0.05
    escalation_overdue_weeks: int = 8
    # Objections against rejections that can be objected to (assumption); appeals for asylum rejections.
    objection: float = 0.30
    appeal: float = 0.40
    # Documents: the channel and how many weeks until the applicant collects it (assumption).
    channels: dict[str, float] = field(
        default_factory=lambda: {"desk": 0.55, "expat_centre": 0.10, "courier": 0.35}
    )
    collect_weeks: tuple[int, int] = (1, 4)
    # Share of the weekly decisions' worth of cases being prepared ahead (officers work on more cases
    # than they decide in a week).
    work_in_progress: float = 3.0


def grant_rate(procedure: str, year: int) -> float:
    if procedure == "asylum":
        return ASYLUM_GRANT_RATE.get(year, ASYLUM_GRANT_RATE_OTHER_YEARS)
    return GRANT_RATE.get(procedure, GRANT_RATE_REGULAR)
