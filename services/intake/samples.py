"""Seeded sample applications for the demo and the tests (not personal data: references are random).

The mix of procedures follows the yearly volumes in DOMAIN.md: asylum ~30k, nareis ~11k,
naturalisation ~56k, regular residence ~90k (split over its purposes).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any, Protocol
from uuid import UUID

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
DEFAULT_NATIONALITIES = ["MAR", "TUR", "IND", "USA", "CHN", "SUR", "GBR", "UKR", "BRA", "NGA"]


def sample_applications(count: int, *, seed: int, today: date) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    procedures = list(PROCEDURE_WEIGHTS)
    weights = list(PROCEDURE_WEIGHTS.values())
    applications = []
    for _ in range(count):
        procedure = rng.choices(procedures, weights)[0]
        applications.append(
            {
                "procedure": procedure,
                "channel": _channel(rng, procedure),
                "received_on": today - timedelta(days=rng.randrange(0, 60)),
                "applicant_ref": f"P-{rng.getrandbits(64):016x}",
                "nationality": rng.choice(NATIONALITIES.get(procedure, DEFAULT_NATIONALITIES)),
            }
        )
    return applications


def _channel(rng: random.Random, procedure: str) -> str:
    if procedure in ("asylum",):
        return "application_centre"
    return rng.choices(["online", "desk", "post"], [80, 12, 8])[0]


# Illustrative, not the current leges table: the fee table belongs in the procedure catalogue.
NATURALISATION_FEE_CENTS = 141_100


class IntakeCommands(Protocol):
    def submit_application(self, data: dict[str, Any]) -> UUID: ...

    def pay_fee(self, application_id: UUID, data: dict[str, Any]) -> None: ...

    def accept_application(self, application_id: UUID) -> None: ...


def run_sample(intake: IntakeCommands, application: dict[str, Any], *, accept: bool, today: date) -> UUID:
    """Submit a sample application; for naturalisation pay the fee (its clock starts then); accept it."""
    application_id = intake.submit_application(application)
    if application["procedure"] == "naturalisation":
        delay = int(application["applicant_ref"][-2:], 16) % 21  # 0 to 20 days, stable per sample
        paid_on = min(today, application["received_on"] + timedelta(days=delay))
        intake.pay_fee(application_id, {"paid_on": paid_on, "amount_cents": NATURALISATION_FEE_CENTS})
    if accept:
        intake.accept_application(application_id)
    return application_id
