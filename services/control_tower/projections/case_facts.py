"""Facts about each case, taken from the events that carry them: its dates, track and outcome for
throughput and lead times, and its statutory clock for deadline risk.

Deadlines come from intake (ApplicationAccepted) and then from decision (CaseOpened, information
requests, extensions); like stages they only move forward by (service, aggregate version).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from backbone.envelope import Envelope
from backbone.procedures import Procedure
from backbone.statutory.catalogue import IND_CATALOGUE
from services.control_tower.domain.deadline_risk import CaseClock, RiskSummary, summarise
from services.control_tower.projections.workload import SERVICE_RANK, VERSIONS_PER_SERVICE

DEADLINE_EVENTS = {
    "nl.ind.intake.ApplicationAccepted",
    "nl.ind.decision.CaseOpened",
    "nl.ind.decision.InformationRequested",
    "nl.ind.decision.InformationReceived",
    "nl.ind.decision.DeadlineExtended",
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


def apply_fact_event(row: CaseFacts, envelope: Envelope) -> CaseFacts:
    """The row after one event; an older deadline fact than the one known is ignored."""
    data = envelope.data
    kind = envelope.schema.rpartition(".")[2]
    if kind == "ApplicationSubmitted":
        row = replace(row, received_on=data["received_on"], procedure=row.procedure or data["procedure"])
    elif kind == "ApplicationClassified":
        row = replace(row, track=data["track"])
    elif kind == "ApplicationAccepted":
        row = replace(row, accepted_on=envelope.time.date())
    elif kind == "DecisionTaken":
        row = replace(row, decided_on=data["decided_on"], outcome=data["outcome"])
    elif kind == "DocumentReadyForIssue":
        row = replace(row, document_channel=data["channel"], document_ready_on=data["ready_on"])
    elif kind == "DocumentIssued":
        row = replace(row, document_issued_on=data["issued_on"])
    return _apply_clock_fact(row, envelope)


def _apply_clock_fact(row: CaseFacts, envelope: Envelope) -> CaseFacts:
    data = envelope.data
    rank = SERVICE_RANK[envelope.schema.rpartition(".")[0]] * VERSIONS_PER_SERVICE + envelope.sequence
    if envelope.schema in DEADLINE_EVENTS and rank > row.deadline_rank:
        row = replace(row, statutory_deadline=data["statutory_deadline"], deadline_rank=rank)
        if "procedure" in data:
            procedure = Procedure(data["procedure"])
            rules = IND_CATALOGUE.version(data["policy_version"]).rules[procedure]
            row = replace(row, procedure=procedure.value, penalty_applies=rules.late_decision_penalty)
        if envelope.schema.endswith("InformationRequested"):
            row = replace(row, suspended_since=data["requested_on"])
        elif envelope.schema.endswith("InformationReceived"):
            row = replace(row, suspended_since=None)
    elif envelope.schema.endswith("NoticeOfDefaultReceived"):
        row = replace(
            row, notice_of_default_on=data["received_on"], penalty_applies=data["penalty_applies"]
        )
    return row


def merge_fact_events(rows: dict[str, CaseFacts], events: list[Envelope]) -> dict[str, CaseFacts]:
    for envelope in events:
        rows[envelope.subject] = apply_fact_event(
            rows.get(envelope.subject, CaseFacts(envelope.subject)), envelope
        )
    return rows


def risk_summary(rows: list[CaseFacts], today: date) -> RiskSummary:
    clocks = [
        CaseClock(
            r.case_id,
            r.procedure or "unknown",
            r.statutory_deadline,
            r.suspended_since,
            r.notice_of_default_on,
            r.penalty_applies,
        )
        for r in rows
    ]
    return summarise(clocks, today)
