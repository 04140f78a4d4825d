"""The legacy stand-in's made-up applicants."""

from __future__ import annotations

import random

from simulation.legacy_system.codes import NEXT_STATUSES, STATUSES
from simulation.legacy_system.people import a_bsn, an_applicant


def test_every_made_up_bsn_passes_the_eleven_test() -> None:
    rng = random.Random(16)
    for _ in range(500):
        bsn = a_bsn(rng)
        weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
        assert len(bsn) == 9
        assert sum(int(d) * w for d, w in zip(bsn, weights, strict=True)) % 11 == 0


def test_the_same_seed_makes_the_same_applicants() -> None:
    assert an_applicant(random.Random(3)) == an_applicant(random.Random(3))


def test_every_status_a_caseworker_may_set_is_a_known_code() -> None:
    assert set(NEXT_STATUSES) == set(STATUSES)
    assert {s for nexts in NEXT_STATUSES.values() for s in nexts} <= set(STATUSES)
