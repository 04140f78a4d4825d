"""The workload view of the verkeerstoren: open cases by procedure and stage.

Fed by intake's, decision's and the legacy bridge's streams (a legacy case's stage is in its
``LegacyCaseObserved``, see legacy_cases.py). Within one service a case's events arrive in order; across
services they need not. So a case's row only moves forward by (service, aggregate version): intake's
events rank below decision's, and within a service the later version wins. A late intake event never
pulls a case back from ``in_decision``. Every applied event is also counted per type, which makes a
double application visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from backbone.envelope import Envelope
from services.control_tower.projections.legacy_cases import LEGACY_CASE_OBSERVED, legacy_stage

# Event type -> (stage the case is in afterwards, whether it is still open). Others leave the stage.
STAGES: dict[str, tuple[str, bool]] = {
    "nl.ind.intake.ApplicationSubmitted": ("in_intake", True),
    "nl.ind.intake.DefectNotified": ("waiting_on_applicant", True),
    "nl.ind.intake.DefectRemedied": ("in_intake", True),
    "nl.ind.intake.ApplicationClassified": ("in_intake", True),
    "nl.ind.intake.ApplicationAccepted": ("accepted", True),
    "nl.ind.intake.ApplicationWithdrawn": ("withdrawn", False),
    "nl.ind.intake.ApplicationNotProcessed": ("not_processed", False),
    "nl.ind.decision.CaseOpened": ("in_decision", True),
    "nl.ind.decision.HearingScheduled": ("hearing", True),
    "nl.ind.decision.HearingHeld": ("in_decision", True),
    "nl.ind.decision.InformationRequested": ("waiting_on_applicant", True),
    "nl.ind.decision.InformationReceived": ("in_decision", True),
    "nl.ind.decision.IntendedDecisionIssued": ("intended_decision", True),
    "nl.ind.decision.ResponseReceived": ("in_decision", True),
    "nl.ind.decision.DecisionTaken": ("decided", True),
    "nl.ind.decision.DocumentReadyForIssue": ("awaiting_issue", True),
    "nl.ind.decision.DocumentIssued": ("decided", True),
    "nl.ind.decision.CaseClosed": ("closed", False),
    # Its stage is the one the legacy system left the case in (stage_of)
    "nl.ind.decision.CaseTakenOverFromLegacy": ("in_decision", True),
}
TAKEN_OVER = "nl.ind.decision.CaseTakenOverFromLegacy"
# The events that carry facts about a case: dates, track, team, outcome, its clock, its stage clocks
# (see case_facts.py).
FACT_EVENTS = set(STAGES) | {
    "nl.ind.decision.CaseAssigned",
    "nl.ind.intake.ApplicationSubmitted",
    "nl.ind.intake.ApplicationClassified",
    "nl.ind.intake.ApplicationAccepted",
    "nl.ind.decision.CaseOpened",
    "nl.ind.decision.InformationRequested",
    "nl.ind.decision.InformationReceived",
    "nl.ind.decision.DeadlineExtended",
    "nl.ind.decision.NoticeOfDefaultReceived",
    "nl.ind.decision.DecisionTaken",
    "nl.ind.decision.DocumentReadyForIssue",
    "nl.ind.decision.DocumentIssued",
    LEGACY_CASE_OBSERVED,
    # A cutover's: which system owns the case (ownership.py)
    "nl.ind.decision.CaseReturnedToLegacy",
    "nl.ind.legacy.LegacyCaseHandedOver",
    "nl.ind.legacy.LegacyCaseReturned",
}
STAGE_ORDER = [
    "in_intake",
    "waiting_on_applicant",
    "accepted",
    "in_decision",
    "hearing",
    "intended_decision",
    "decided",
    "awaiting_issue",
]
# The legacy bridge's events rank below decision's, so that a case taken over at a cutover moves to
# the backbone's stage; after a rollback its observations rank above (ownership.py).
SERVICE_RANK = {"nl.ind.legacy": 0, "nl.ind.intake": 1, "nl.ind.decision": 2}
VERSIONS_PER_SERVICE = 1_000_000_000


@dataclass(frozen=True, slots=True)
class StageChange:
    case_id: str
    procedure: str | None  # known from the first event of each service
    stage: str
    is_open: bool
    rank: int
    since: datetime


@dataclass(frozen=True, slots=True)
class WorkloadRow:
    procedure: str
    stage: str
    open_cases: int


@cache  # a few dozen schema names; asked for every event
def rank_base(schema: str) -> int:
    """The rank of version 0 of a case in the service that writes ``schema`` (see event_rank)."""
    return SERVICE_RANK[schema.rpartition(".")[0]] * VERSIONS_PER_SERVICE


def event_rank(envelope: Envelope) -> int:
    """Orders a case's events: intake's below decision's, each service's by aggregate version."""
    return rank_base(envelope.schema) + envelope.sequence


def stage_of(envelope: Envelope) -> tuple[str, bool] | None:
    """The stage a case is in after ``envelope``, and whether it is open; None if the event leaves it."""
    if envelope.schema == LEGACY_CASE_OBSERVED:
        return legacy_stage(envelope.data)
    if envelope.schema == TAKEN_OVER:
        return str(envelope.data["stage"]), True
    return STAGES.get(envelope.schema)


def stage_change(envelope: Envelope) -> StageChange | None:
    stage_and_open = stage_of(envelope)
    if stage_and_open is None:
        return None
    stage, is_open = stage_and_open
    procedure = envelope.data.get("procedure")
    return StageChange(envelope.subject, procedure, stage, is_open, event_rank(envelope), envelope.time)
