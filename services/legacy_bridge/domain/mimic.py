"""The legacy mimic's rules: which of the decision service's events become which legacy status code on
a case moved at a cutover, and how the bridge tells the mimic's writes from a caseworker's. Pure: the
adapter (``adapters/mimic_store.py``) writes what these functions say.

The inverse of ``legacy_codes.STATUS_STAGES``, event by event (the legacy code list is coarser than the
backbone's stages, so the mapping goes from the event that moved the case, not from the stage):

============================ ============ ====================================================
decision event               legacy code  the status row's date (``datum_status``)
============================ ============ ====================================================
InformationRequested         OPSC         ``requested_on``
InformationReceived          INBH         ``received_on``
DeadlineExtended             VERL         the day it happened (the event has no date field)
DecisionTaken                BESL         ``decided_on`` (also ``zaken.datum_besluit``)
CaseClosed, reason withdrawn INTR         ``closed_on``
CaseClosed, any other reason AFGH         ``closed_on``
============================ ============ ====================================================

The rule for a stage the legacy code list has no code for (a hearing, an intended decision, a document
ready for issue or issued, an assignment, an escalation): the mimic writes nothing, and the legacy row
keeps the code it has, which is the legacy system's own reading of that stage (INBH: being worked on;
BESL: decided). ``CaseTakenOverFromLegacy`` makes a case one of the mimic's (the legacy row already
says what the backbone took over); ``CaseReturnedToLegacy`` ends that: the legacy system owns it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.legacy_bridge.domain.changes import LegacyChange
from services.legacy_bridge.domain.legacy_codes import CASES, STATUS_HISTORY

# What the mimic's writes say in the marker columns; a caseworker's say nothing (NULL).
MIMIC = "backbone-mimic"
MARKER_COLUMNS = {CASES: "gewijzigd_door", STATUS_HISTORY: "geregistreerd_door"}

DECISION = "nl.ind.decision."
TAKEN_OVER = DECISION + "CaseTakenOverFromLegacy"
RETURNED = DECISION + "CaseReturnedToLegacy"
WITHDRAWN_REASON = "withdrawn"
# Event type -> (legacy status code, the field that holds its date; None: the day it happened).
STATUS_OF_EVENT: dict[str, tuple[str, str | None]] = {
    DECISION + "InformationRequested": ("OPSC", "requested_on"),
    DECISION + "InformationReceived": ("INBH", "received_on"),
    DECISION + "DeadlineExtended": ("VERL", None),
    DECISION + "DecisionTaken": ("BESL", "decided_on"),
    DECISION + "CaseClosed": ("AFGH", "closed_on"),
}


@dataclass(frozen=True)
class StatusWrite:
    """Set ``zaken.status`` (and ``datum_besluit`` when given) and add a ``zaak_statussen`` row."""

    status: str
    on: date
    decided_on: date | None = None


@dataclass(frozen=True)
class CaseMoved:
    """The case is the backbone's from now on: the mimic keeps its legacy row current."""

    zaaknummer: str


@dataclass(frozen=True)
class CaseReturned:
    """The case is the legacy system's again: the mimic writes no more to it."""


MimicAction = StatusWrite | CaseMoved | CaseReturned


def mimic_action(event_type: str, data: Mapping[str, Any], happened_on: date) -> MimicAction | None:
    """What the mimic does for one decision event of a case (None: nothing; see the module's rule)."""
    if event_type == TAKEN_OVER:
        return CaseMoved(str(data["zaaknummer"]))
    if event_type == RETURNED:
        return CaseReturned()
    if event_type not in STATUS_OF_EVENT:
        return None
    status, date_field = STATUS_OF_EVENT[event_type]
    on = data[date_field] if date_field is not None else happened_on
    if status == "AFGH" and data.get("reason_code") == WITHDRAWN_REASON:
        status = "INTR"
    return StatusWrite(status, on, decided_on=on if status == "BESL" else None)


def written_by_mimic(change: LegacyChange) -> bool:
    """Whether the mimic wrote this change (its marker is in the row after it). A delete never is:
    the mimic deletes nothing."""
    if change.after is None:
        return False
    return change.after.get(MARKER_COLUMNS.get(change.table, "")) == MIMIC
