"""Facts about each case's statutory clock, taken from the events that carry them.

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
from services.control_tower.projections.workload import CLOCK_EVENTS, SERVICE_RANK, VERSIONS_PER_SERVICE

DEADLINE_EVENTS = CLOCK_EVENTS - {
    "nl.ind.decision.NoticeOfDefaultReceived",
    "nl.ind.decision.DecisionTaken",
}


@dataclass(frozen=True)
class ClockRow:
    case_id: str
    procedure: str | None = None
    statutory_deadline: date | None = None
    deadline_rank: int = 0
    suspended_since: date | None = None
    notice_of_default_on: date | None = None
    penalty_applies: bool = False
    decided: bool = False


def apply_clock_event(row: ClockRow, envelope: Envelope) -> ClockRow:
    """The row after one clock event; an older deadline fact than the one known is ignored."""
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
    elif envelope.schema.endswith("DecisionTaken"):
        row = replace(row, decided=True)
    return row


def merge_clock_events(rows: dict[str, ClockRow], events: list[Envelope]) -> dict[str, ClockRow]:
    for envelope in events:
        rows[envelope.subject] = apply_clock_event(
            rows.get(envelope.subject, ClockRow(envelope.subject)), envelope
        )
    return rows


def risk_summary(rows: list[ClockRow], today: date) -> RiskSummary:
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
