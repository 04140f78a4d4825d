"""Facts about each case, taken from the events that carry them: its dates, track and outcome for
throughput and lead times, and its statutory clock for deadline risk.

Deadlines come from intake (ApplicationAccepted) and then from decision (CaseOpened, information
requests, extensions); like stages they only move forward by (service, aggregate version). A legacy
case's facts all come from its latest LegacyCaseObserved (legacy_cases.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from backbone.envelope import Envelope
from ind.procedures import Procedure
from ind.statutory.catalogue import IND_CATALOGUE
from services.control_tower.domain.deadline_risk import CaseClock, RiskSummary, summarise
from services.control_tower.projections.legacy_cases import (
    BACKBONE,
    LEGACY_CASE_OBSERVED,
    observe_legacy_case,
)
from services.control_tower.projections.ownership import owned_rank
from services.control_tower.projections.workload import STAGES, TAKEN_OVER, event_rank, stage_of

DEADLINE_EVENTS = {
    "nl.ind.intake.ApplicationAccepted",
    "nl.ind.decision.CaseOpened",
    "nl.ind.decision.InformationRequested",
    "nl.ind.decision.InformationReceived",
    "nl.ind.decision.DeadlineExtended",
    TAKEN_OVER,
}


@dataclass(frozen=True)
class CaseFacts:
    case_id: str
    procedure: str | None = None
    track: str | None = None
    received_on: date | None = None
    accepted_on: date | None = None
    statutory_deadline: date | None = None
    deadline_rank: int = 0
    suspended_since: date | None = None
    notice_of_default_on: date | None = None
    penalty_applies: bool = False
    decided_on: date | None = None
    outcome: str | None = None
    document_channel: str | None = None
    document_ready_on: date | None = None
    document_issued_on: date | None = None
    team: str | None = None
    target_group: str | None = None
    ended_on: date | None = None  # withdrawn, not processed or closed
    # Each service's stage of the case and since when (by the event's time), for the time in each stage.
    # Per service, because only within a service are a case's events ordered.
    intake_stage: str | None = None
    intake_stage_since: datetime | None = None
    decision_stage: str | None = None
    decision_stage_since: datetime | None = None
    system: str = BACKBONE  # the system that owns the case: backbone or legacy
    # A cutover's marks (ownership.py): a takeover seen, a return seen, the bridge's return seen
    taken_over: bool = False
    returned: bool = False
    legacy_returned: bool = False


@dataclass(frozen=True)
class StageVisit:
    """A case left ``stage`` after ``seconds`` (whole seconds, so sums are exact in any batching)."""

    procedure: str
    stage: str
    seconds: int


@dataclass
class FactChanges:
    rows: dict[str, CaseFacts]
    visits: list[StageVisit] = field(default_factory=list)
    # (case id, event_rank) -> the rank the event counts with, None: ignored (ownership.py)
    ranks: dict[tuple[str, int], int | None] = field(default_factory=dict)


# A case's facts while a batch is merged: the CaseFacts fields as a dict, changed in place (building a
# frozen row per event was a third of the projection's time), made into a CaseFacts once per batch.
Fields = dict[str, Any]


def apply_fact_event(row: Fields, envelope: Envelope, rank: int | None = None) -> None:
    """The facts after one event, ranked ``rank`` (ownership.owned_rank; by default its event_rank); an
    older deadline fact than the one known is ignored."""
    data = envelope.data
    rank = event_rank(envelope) if rank is None else rank
    if envelope.schema == LEGACY_CASE_OBSERVED:
        observe_legacy_case(row, data, rank, EMPTY_FACTS)
        return
    kind = envelope.schema.rpartition(".")[2]
    if kind == "CaseTakenOverFromLegacy":
        row["received_on"] = row["accepted_on"] = data["received_on"]
        row["team"], row["decided_on"], row["ended_on"] = data["team_code"], None, None
        row["suspended_since"] = data["suspended_since"]
    if kind == "ApplicationSubmitted":
        row["received_on"] = data["received_on"]
        row["procedure"] = row["procedure"] or data["procedure"]
    elif kind == "ApplicationClassified":
        row["track"], row["target_group"] = data["track"], data["target_group"]
    elif kind == "ApplicationAccepted":
        row["accepted_on"] = envelope.time.date()
    elif kind == "CaseOpened" and data.get("objected_case_id") is not None:
        # An objection starts in decision: no intake event receives or accepts it, its opening does both
        row["received_on"], row["accepted_on"] = data["received_on"], envelope.time.date()
    elif kind == "DecisionTaken":
        row["decided_on"], row["outcome"] = data["decided_on"], data["outcome"]
    elif kind == "DocumentReadyForIssue":
        row["document_channel"], row["document_ready_on"] = data["channel"], data["ready_on"]
    elif kind == "DocumentIssued":
        row["document_issued_on"] = data["issued_on"]
    elif kind == "CaseAssigned":
        row["team"] = data["team"]
    elif kind == "ApplicationWithdrawn":
        row["ended_on"] = data["withdrawn_on"]
    elif kind == "ApplicationNotProcessed":
        row["ended_on"] = data["decided_on"]
    elif kind == "CaseClosed":
        row["ended_on"] = data["closed_on"]
    _apply_clock_fact(row, envelope, rank)


def advance_stage(row: Fields, envelope: Envelope) -> StageVisit | None:
    """Move the service's stage clock of the case; the stage it leaves becomes a visit."""
    if envelope.schema not in STAGES:
        return None
    stage, is_open = stage_of(envelope) or STAGES[envelope.schema]
    stage_key, since_key = _STAGE_KEYS[envelope.schema.startswith("nl.ind.intake.")]
    previous, since = row[stage_key], row[since_key]
    if previous == stage:
        return None  # still in the same stage: its clock keeps running
    visit = None
    if previous is not None and since is not None:
        seconds = max(0, int((envelope.time - since).total_seconds()))
        visit = StageVisit(row["procedure"] or "unknown", previous, seconds)
    row[stage_key] = stage if is_open else None
    row[since_key] = envelope.time
    return visit


# The columns of a service's stage clock, by whether the event is intake's.
_STAGE_KEYS = {
    True: ("intake_stage", "intake_stage_since"),
    False: ("decision_stage", "decision_stage_since"),
}


def _apply_clock_fact(row: Fields, envelope: Envelope, rank: int) -> None:
    data = envelope.data
    if envelope.schema in DEADLINE_EVENTS and rank > row["deadline_rank"]:
        row["statutory_deadline"], row["deadline_rank"] = data["statutory_deadline"], rank
        if "procedure" in data:
            procedure = Procedure(data["procedure"])
            rules = IND_CATALOGUE.version(data["policy_version"]).rules[procedure]
            row["procedure"], row["penalty_applies"] = procedure.value, rules.late_decision_penalty
        if envelope.schema.endswith("InformationRequested"):
            row["suspended_since"] = data["requested_on"]
        elif envelope.schema.endswith("InformationReceived"):
            row["suspended_since"] = None
    elif envelope.schema.endswith("NoticeOfDefaultReceived"):
        row["notice_of_default_on"] = data["received_on"]
        row["penalty_applies"] = data["penalty_applies"]


EMPTY_FACTS: Fields = dict(vars(CaseFacts("")))  # the facts of a case nothing is known of yet


def merge_fact_events(rows: dict[str, CaseFacts], events: list[Envelope]) -> FactChanges:
    """The rows after ``events`` (in their order), and the stage visits they completed."""
    merging: dict[str, Fields] = {}
    visits = []
    ranks: dict[tuple[str, int], int | None] = {}
    for envelope in events:
        row = merging.get(envelope.subject)
        if row is None:
            known = rows.get(envelope.subject)
            row = dict(vars(known)) if known is not None else dict(vars(CaseFacts(envelope.subject)))
            merging[envelope.subject] = row
        rank = owned_rank(row, envelope)
        ranks[(envelope.subject, event_rank(envelope))] = rank
        if rank is None:
            continue
        apply_fact_event(row, envelope, rank)
        visit = advance_stage(row, envelope)
        if visit is not None:
            visits.append(visit)
    rows.update({case_id: CaseFacts(**fields) for case_id, fields in merging.items()})
    return FactChanges(rows, visits, ranks)


def case_clock(row: CaseFacts) -> CaseClock:
    return CaseClock(
        row.case_id,
        row.procedure or "unknown",
        row.statutory_deadline,
        row.suspended_since,
        row.notice_of_default_on,
        row.penalty_applies,
    )


def risk_summary(rows: list[CaseFacts], today: date) -> RiskSummary:
    return summarise([case_clock(r) for r in rows], today)
