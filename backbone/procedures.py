"""The shared vocabulary of procedures and their statutory periods (beslistermijnen).

A first, small version of the procedure catalogue: periods only. Extensions, suspensions, working-day
rules and policy versions arrive with the statutory clock.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum


class Procedure(StrEnum):
    ASYLUM = "asylum"
    FAMILY_REUNIFICATION = "family_reunification"  # nareis
    HIGHLY_SKILLED_MIGRANT = "highly_skilled_migrant"  # kennismigrant
    FAMILY = "family"
    STUDY = "study"
    RESEARCH = "research"
    RENEWAL = "renewal"
    CHANGE_OF_PURPOSE = "change_of_purpose"
    NATURALISATION = "naturalisation"


# (months, days) per procedure; DOMAIN.md "Procedures and statutory periods".
STATUTORY_PERIODS: dict[Procedure, tuple[int, int]] = {
    Procedure.ASYLUM: (6, 0),
    Procedure.FAMILY_REUNIFICATION: (0, 90),
    Procedure.HIGHLY_SKILLED_MIGRANT: (0, 90),
    Procedure.FAMILY: (0, 90),
    Procedure.STUDY: (0, 60),
    Procedure.RESEARCH: (0, 60),
    Procedure.RENEWAL: (0, 90),
    Procedure.CHANGE_OF_PURPOSE: (0, 90),
    Procedure.NATURALISATION: (12, 0),
}


def statutory_deadline(procedure: Procedure, received_on: date) -> date:
    months, days = STATUTORY_PERIODS[procedure]
    return add_months(received_on, months) + timedelta(days=days)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
