"""Command fields that hold a code from one of the IND's code lists (``ind.codes``) instead of free text.

The OpenAPI document lists the codes a field takes; a code the list does not hold is refused at the
boundary as ``unknown_code``, naming the list and its version, and the command records nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from ind.codes.code_list import CodeList
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

NOTE_MAX_LENGTH = 2000


def known_in(code_list: CodeList) -> Callable[[str], str]:
    def known(code: str) -> str:
        if code not in code_list.current:
            raise PydanticCustomError(
                "unknown_code",
                "a code of {code_list} version {version}",
                {"code_list": code_list.name, "version": code_list.current.id},
            )
        return code

    return known


def _described(code_list: CodeList) -> dict[str, object]:
    version = code_list.current
    return {
        "enum": code_list.codes(),
        "description": f"{code_list.name} {version.id}: {version.description}",
    }


ClosingGround = Annotated[
    str, AfterValidator(known_in(CLOSING_GROUNDS)), Field(json_schema_extra=_described(CLOSING_GROUNDS))
]
EscalationGround = Annotated[
    str,
    AfterValidator(known_in(ESCALATION_GROUNDS)),
    Field(json_schema_extra=_described(ESCALATION_GROUNDS)),
]
ProlongationGround = Annotated[
    str,
    AfterValidator(known_in(PROLONGATION_GROUNDS)),
    Field(json_schema_extra=_described(PROLONGATION_GROUNDS)),
]
ExtensionGround = Annotated[
    str, AfterValidator(known_in(EXTENSION_GROUNDS)), Field(json_schema_extra=_described(EXTENSION_GROUNDS))
]
DecisionGround = Annotated[
    str, AfterValidator(known_in(DECISION_GROUNDS)), Field(json_schema_extra=_described(DECISION_GROUNDS))
]
EscalationResolution = Annotated[
    str,
    AfterValidator(known_in(ESCALATION_RESOLUTIONS)),
    Field(json_schema_extra=_described(ESCALATION_RESOLUTIONS)),
]
Court = Annotated[str, AfterValidator(known_in(COURTS)), Field(json_schema_extra=_described(COURTS))]
IssueLocation = Annotated[
    str, AfterValidator(known_in(ISSUE_LOCATIONS)), Field(json_schema_extra=_described(ISSUE_LOCATIONS))
]
InformationSubject = Annotated[
    str,
    AfterValidator(known_in(INFORMATION_SUBJECTS)),
    Field(json_schema_extra=_described(INFORMATION_SUBJECTS)),
]
