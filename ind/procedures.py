"""The procedures of the IND: the shared vocabulary of intake, decision and the control tower.

Their statutory periods, extension rules and legal bases are data in ``ind.statutory.catalogue``.
"""

from __future__ import annotations

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
    OBJECTION = "objection"  # bezwaar against a decision
