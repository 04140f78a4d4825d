"""Made-up applicants for the legacy stand-in: random names, birth dates, addresses and BSNs that
pass the eleven-test. Not real people; seeded, so a run can be repeated."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

GIVEN_NAMES = ("Yara", "Ahmad", "Mariam", "Dawit", "Elif", "Priya", "Wei", "Lucas", "Amina", "Omar")
FAMILY_NAMES = ("Haddad", "Tesfaye", "Yilmaz", "Sharma", "Chen", "Silva", "Rahimi", "Mensah", "Novak")
NATIONALITIES = ("SYR", "ERI", "TUR", "IND", "CHN", "BRA", "AFG", "GHA", "UKR")
STREETS = ("Dorpsstraat", "Kerkweg", "Stationsplein", "Molenlaan", "Julianastraat")
PLACES = ("Zwolle", "Utrecht", "Groningen", "Tilburg", "Almere", "Ter Apel")


@dataclass(frozen=True)
class Applicant:
    naam: str
    geboortedatum: date
    bsn: str
    nationaliteit: str
    adres: str


def an_applicant(rng: random.Random) -> Applicant:
    return Applicant(
        naam=f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}",
        geboortedatum=date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55)),
        bsn=a_bsn(rng),
        nationaliteit=rng.choice(NATIONALITIES),
        adres=an_address(rng),
    )


def an_address(rng: random.Random) -> str:
    return f"{rng.choice(STREETS)} {rng.randint(1, 200)}, {rng.choice(PLACES)}"


def a_bsn(rng: random.Random) -> str:
    """Nine digits that pass the BSN eleven-test (9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11)."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last <= 9 and digits[0] != 0:
            return "".join(map(str, digits)) + str(last)
