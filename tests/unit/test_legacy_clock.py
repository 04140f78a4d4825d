"""A legacy case's statutory deadline, by the backbone's own rules, against dates worked out by hand."""

from __future__ import annotations

from datetime import date

from ind.procedures import Procedure
from services.control_tower.domain.legacy_clock import legacy_clock

MONDAY_2_MARCH_2026 = date(2026, 3, 2)


def test_a_family_case_gets_90_days_rolled_on_from_a_sunday_to_the_monday() -> None:
    # 2 March + 90 days = Sunday 31 May 2026: the period ends on the next working day.
    clock = legacy_clock(Procedure.FAMILY, MONDAY_2_MARCH_2026, "2025.1", 0, False)
    assert clock.statutory_deadline == date(2026, 6, 1)
    assert clock.penalty_applies


def test_the_ended_suspensions_move_the_deadline_by_their_days() -> None:
    # 31 May + 10 days = Wednesday 10 June.
    clock = legacy_clock(Procedure.FAMILY, MONDAY_2_MARCH_2026, "2025.1", 10, False)
    assert clock.statutory_deadline == date(2026, 6, 10)


def test_an_extended_regular_case_gets_its_one_extension_of_90_days() -> None:
    # 2 March + 90 + 90 days = Saturday 29 August: Monday 31 August.
    clock = legacy_clock(Procedure.FAMILY, MONDAY_2_MARCH_2026, "2025.1", 0, True)
    assert clock.statutory_deadline == date(2026, 8, 31)


def test_a_study_case_has_60_days() -> None:
    # 2 March + 60 days = Friday 1 May.
    clock = legacy_clock(Procedure.STUDY, MONDAY_2_MARCH_2026, "2025.1", 0, False)
    assert clock.statutory_deadline == date(2026, 5, 1)


def test_an_asylum_case_runs_by_the_policy_version_it_was_received_under_and_earns_no_penalty() -> None:
    # 2025.1: six months, 2 September 2026 (a Wednesday); 2022.2: fifteen months from 10 January 2023
    # to Wednesday 10 April 2024.
    now = legacy_clock(Procedure.ASYLUM, MONDAY_2_MARCH_2026, "2025.1", 0, False)
    then = legacy_clock(Procedure.ASYLUM, date(2023, 1, 10), "2022.2", 0, False)
    assert (now.statutory_deadline, then.statutory_deadline) == (date(2026, 9, 2), date(2024, 4, 10))
    assert not now.penalty_applies


def test_an_extended_asylum_case_gets_the_whole_extension_its_rule_allows() -> None:
    # 2025.1: 6 months and at most 15 more: 2 December 2027, a Thursday.
    clock = legacy_clock(Procedure.ASYLUM, MONDAY_2_MARCH_2026, "2025.1", 0, True)
    assert clock.statutory_deadline == date(2027, 12, 2)
