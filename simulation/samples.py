"""Seeded sample applications for the demo and the tests (not personal data: references are random).

The mix of procedures follows the yearly volumes in DOMAIN.md: asylum ~30k, nareis ~11k,
naturalisation ~56k, regular residence ~90k (split over its purposes).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any, Protocol
from uuid import UUID

from services.intake.application.commands import (
    AcceptApplication,
    ApplicationCommand,
    ClassifyApplication,
    NotifyDefect,
    PayFee,
    RemedyDefect,
    SubmitApplication,
    parse_submission,
)
from services.intake.domain.vocabulary import AsylumTrack, Complexity

PROCEDURE_WEIGHTS = {
    "asylum": 30,
    "family_reunification": 11,
    "naturalisation": 56,
    "highly_skilled_migrant": 22,
    "family": 25,
    "study": 18,
    "research": 5,
    "renewal": 15,
    "change_of_purpose": 5,
}
NATIONALITIES = {
    "asylum": ["SYR", "AFG", "TUR", "ERI", "YEM", "IRQ"],
    "family_reunification": ["SYR", "ERI", "AFG", "YEM"],
    "highly_skilled_migrant": ["IND", "USA", "CHN", "TUR", "GBR", "BRA"],
}
# Asylum cases of some nationalities are handled together as a project (doelgroep); the rest are not.
TARGET_GROUPS = {"SYR": "project-syria", "ERI": "project-eritrea", "YEM": "project-yemen"}
DEFAULT_NATIONALITIES = ["MAR", "TUR", "IND", "USA", "CHN", "SUR", "GBR", "UKR", "BRA", "NGA"]


def sample_applications(count: int, *, seed: int, today: date) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    procedures = list(PROCEDURE_WEIGHTS)
    weights = list(PROCEDURE_WEIGHTS.values())
    applications = []
    for _ in range(count):
        procedure = rng.choices(procedures, weights)[0]
        received_on = today - timedelta(days=rng.randrange(0, 60))
        applications.append(sample_application(rng, procedure, received_on))
    return applications


def sample_application(rng: random.Random, procedure: str, received_on: date) -> dict[str, Any]:
    """One application of ``procedure`` received on ``received_on``, drawn from ``rng``."""
    application = {
        "procedure": procedure,
        "channel": _channel(rng, procedure),
        "received_on": received_on,
        "applicant_ref": f"P-{rng.getrandbits(64):016x}",
        "nationality": rng.choice(NATIONALITIES.get(procedure, DEFAULT_NATIONALITIES)),
    }
    application.update(_procedure_facts(rng, procedure, received_on))
    return application


def _procedure_facts(rng: random.Random, procedure: str, received_on: date) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if procedure in ("renewal", "change_of_purpose"):
        facts["residence_purpose"] = rng.choice(["family", "highly_skilled_work", "study"])
    if procedure == "renewal":  # most renew in time; some late, a few beyond the 4-week grace
        facts["previous_permit_ends_on"] = received_on + timedelta(days=rng.randrange(-70, 90))
    if procedure == "highly_skilled_migrant" and rng.random() < 0.05:
        facts["employer_share_percent"] = rng.randrange(26, 80)
    if procedure in ("family_reunification", "family", "highly_skilled_migrant", "study", "research"):
        facts["sponsor_ref"] = f"R-{rng.getrandbits(64):016x}"
    return facts


def _channel(rng: random.Random, procedure: str) -> str:
    if procedure in ("asylum",):
        return "application_centre"
    return rng.choices(["online", "desk", "post"], [80, 12, 8])[0]


# Illustrative, not the current leges table: the fee table belongs in the procedure catalogue.
NATURALISATION_FEE_CENTS = 141_100


class IntakeCommands(Protocol):
    def submit_application(self, command: SubmitApplication) -> UUID: ...

    def execute(self, application_id: UUID, command: ApplicationCommand) -> object: ...


def run_sample(intake: IntakeCommands, application: dict[str, Any], *, accept: bool, today: date) -> UUID:
    """Take a sample application through intake, as an officer would, and accept it if asked.

    Naturalisation fees come a few days after receipt (the clock starts then); about one in ten
    applications gets a defect notice that is remedied; asylum gets its track. Choices are stable per
    application (seeded by its reference), whatever the caller does.
    """
    rng = random.Random(application["applicant_ref"])
    received_on: date = application["received_on"]
    application_id = intake.submit_application(parse_submission(application))
    if application["procedure"] == "naturalisation":
        paid_on = min(today, received_on + timedelta(days=rng.randrange(0, 21)))
        intake.execute(application_id, PayFee(paid_on=paid_on, amount_cents=NATURALISATION_FEE_CENTS))
    notified_on = received_on + timedelta(days=3)
    remedied_on = notified_on + timedelta(days=rng.randrange(1, 14))
    if rng.random() < 0.1 and remedied_on <= today:
        intake.execute(
            application_id,
            NotifyDefect(
                notified_on=notified_on,
                remedy_by=notified_on + timedelta(days=14),
                missing=["passport_copy"],
            ),
        )
        intake.execute(application_id, RemedyDefect(remedied_on=remedied_on))
    if application["procedure"] == "asylum":
        track = rng.choices(["dublin", "safe_country", "general"], [20, 10, 70])[0]
        complexity = rng.choice(["low", "medium", "high"])
        intake.execute(
            application_id,
            ClassifyApplication(
                track=AsylumTrack(track),
                complexity=Complexity(complexity),
                target_group=TARGET_GROUPS.get(application["nationality"]),
            ),
        )
    if accept:
        intake.execute(application_id, AcceptApplication())
    return application_id
