"""An objection starts in decision: its opening is the day it is received and accepted, so the tower
counts it in work in progress, aging and inflow like any case."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from backbone.envelope import Envelope
from services.control_tower.projections.case_facts import merge_fact_events

OPENED = datetime(2026, 3, 10, 9, tzinfo=UTC)
FILED = date(2026, 3, 9)


def case_opened(case_id: str, objected_case_id: str | None) -> Envelope:
    data: dict[str, Any] = {
        "procedure": "objection" if objected_case_id else "family",
        "received_on": FILED,
        "statutory_deadline": date(2026, 6, 15),
        "clock_started_on": FILED,
        "policy_version": "2025.1",
        "legal_basis": "Awb 7:10",
        "suspended_days": 0,
        "objected_case_id": objected_case_id,
    }
    return Envelope(
        id=f"{case_id}/1",
        source="urn:nld:ind:backbone:decision",
        type="nl.ind.decision.case-opened",
        subject=case_id,
        time=OPENED,
        sequence=1,
        correlation_id="c",
        causation_id=None,
        recorded_at=OPENED,
        notification_id=1,
        schema="nl.ind.decision.CaseOpened",
        data=data,
    )


def test_an_objection_is_received_when_filed_and_accepted_when_its_case_opens() -> None:
    objection = merge_fact_events({}, [case_opened("o1", objected_case_id="a1")]).rows["o1"]
    assert (objection.procedure, objection.received_on, objection.accepted_on) == (
        "objection",
        FILED,
        OPENED.date(),
    )


def test_an_application_s_case_takes_those_days_from_intake_not_from_its_opening() -> None:
    case = merge_fact_events({}, [case_opened("a1", objected_case_id=None)]).rows["a1"]
    assert (case.received_on, case.accepted_on) == (None, None)
