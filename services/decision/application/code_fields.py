"""Command fields that hold a code from one of the IND's code lists (``ind.codes``) instead of free text.

The OpenAPI document lists the codes a field takes; a code the list does not hold is refused at the
boundary as ``unknown_code``, naming the list and its version, and the command records nothing.
"""

from __future__ import annotations

from typing import Annotated

from backbone.validation import known_in, listed
from ind.codes.courts import COURTS
from ind.codes.grounds import (
    CLOSING_GROUNDS,
    DECISION_GROUNDS,
    ESCALATION_GROUNDS,
    EXTENSION_GROUNDS,
    PROLONGATION_GROUNDS,
)
from ind.codes.information_subjects import INFORMATION_SUBJECTS
from ind.codes.locations import ISSUE_LOCATIONS
from ind.codes.resolutions import ESCALATION_RESOLUTIONS
from ind.codes.teams import TEAMS

NOTE_MAX_LENGTH = 2000

ClosingGround = Annotated[str, known_in(CLOSING_GROUNDS), listed(CLOSING_GROUNDS)]
DecisionGround = Annotated[str, known_in(DECISION_GROUNDS), listed(DECISION_GROUNDS)]
EscalationGround = Annotated[str, known_in(ESCALATION_GROUNDS), listed(ESCALATION_GROUNDS)]
ProlongationGround = Annotated[str, known_in(PROLONGATION_GROUNDS), listed(PROLONGATION_GROUNDS)]
ExtensionGround = Annotated[str, known_in(EXTENSION_GROUNDS), listed(EXTENSION_GROUNDS)]
EscalationResolution = Annotated[str, known_in(ESCALATION_RESOLUTIONS), listed(ESCALATION_RESOLUTIONS)]
Court = Annotated[str, known_in(COURTS), listed(COURTS)]
IssueLocation = Annotated[str, known_in(ISSUE_LOCATIONS), listed(ISSUE_LOCATIONS)]
InformationSubject = Annotated[str, known_in(INFORMATION_SUBJECTS), listed(INFORMATION_SUBJECTS)]
Team = Annotated[str, known_in(TEAMS), listed(TEAMS)]
