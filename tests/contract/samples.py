"""One fixed sample record per event schema, for the golden-bytes contract tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

CASE = UUID("00000000-0000-4000-8000-00000000c0de")
AT = datetime(2026, 3, 2, 9, 15, 30, 123456, tzinfo=UTC)
DAY = date(2026, 3, 2)
CUTOVER = UUID("00000000-0000-4000-8000-0000000c0700")


def meta(version: int, causation: str | None = None) -> dict[str, Any]:
    return {
        "aggregate_id": CASE,
        "aggregate_version": version,
        "recorded_at": AT,
        "occurred_at": AT,
        "correlation_id": "corr-0001",
        "causation_id": causation,
    }


OBJECTION = UUID("00000000-0000-5000-8000-0000000000b1")
CLOCK = {"statutory_deadline": date(2026, 6, 15), "policy_version": "2025.1", "legal_basis": "Awb 4:15"}
ACCEPTED_CLOCK = {
    "procedure": "family",
    "received_on": DAY,
    "statutory_deadline": date(2026, 6, 1),
    "clock_started_on": DAY,
    "policy_version": "2025.1",
    "legal_basis": "Vw 2000 art. 25(1)",
}

SAMPLES: dict[str, dict[str, Any]] = {
    "nl.ind.intake.ApplicationSubmitted": {
        "meta": meta(1),
        "procedure": "renewal",
        "channel": "online",
        "received_on": DAY,
        "applicant_ref": "P-0123456789abcdef",
        "nationality": "IND",
        "residence_purpose": "highly_skilled_work",
        "sponsor_ref": "R-fedcba9876543210",
        "previous_permit_ends_on": date(2026, 2, 20),
        "employer_share_percent": None,
    },
    "nl.ind.intake.ResidenceGapDetected": {
        "meta": meta(2),
        "previous_permit_ends_on": date(2026, 2, 20),
        "gap_days": 10,
        "within_grace": True,
    },
    "nl.ind.intake.SubstantialShareholdingFlagged": {
        "meta": meta(2),
        "share_percent": 40,
        "threshold_percent": 25,
    },
    "nl.ind.intake.FeePaid": {"meta": meta(3), "paid_on": DAY, "amount_cents": 141100},
    "nl.ind.intake.DefectNotified": {
        "meta": meta(4),
        "notified_on": DAY,
        "remedy_by": date(2026, 3, 16),
        "missing": ["passport_copy", "income_proof"],
        "policy_version": "2025.1",
        "legal_basis": "Awb 4:5; Awb 4:15(1)(a)",
        "catalogue_version": "2026.1",
    },
    "nl.ind.intake.DefectRemedied": {
        "meta": meta(5),
        "remedied_on": date(2026, 3, 9),
        "policy_version": "2025.1",
        "legal_basis": "Awb 4:5; Awb 4:15(1)(a)",
    },
    "nl.ind.intake.ApplicationClassified": {
        "meta": meta(6),
        "track": "general",
        "target_group": "project-syria",
        "complexity": "high",
        "catalogue_version": "2026.1",
    },
    "nl.ind.intake.ApplicationAccepted": {
        "meta": meta(7),
        **ACCEPTED_CLOCK,
        "suspended_days": 7,
        "applicant_ref": "P-0123456789abcdef",
    },
    "nl.ind.intake.ApplicationWithdrawn": {"meta": meta(7), "withdrawn_on": DAY},
    "nl.ind.intake.ApplicationNotProcessed": {"meta": meta(7), "decided_on": DAY, "legal_basis": "Awb 4:5"},
    "nl.ind.decision.CaseOpened": {
        "meta": meta(1, causation="6f1b6a3e-0000-5000-8000-000000000007"),
        **ACCEPTED_CLOCK,
        "suspended_days": 7,
        "objected_case_id": None,
        "applicant_ref": "P-0123456789abcdef",
    },
    "nl.ind.decision.CaseAssigned": {
        "meta": meta(2),
        "team": "asylum-3",
        "officer_ref": "O-00000000000000b7",
        "catalogue_version": "2026.1",
    },
    "nl.ind.decision.HearingScheduled": {
        "meta": meta(3),
        "kind": "detailed",
        "scheduled_for": DAY,
        "remote": True,
    },
    "nl.ind.decision.HearingHeld": {"meta": meta(4), "kind": "detailed", "held_on": DAY, "remote": False},
    "nl.ind.decision.InformationRequested": {
        "meta": meta(5),
        "requested_on": DAY,
        "due_on": date(2026, 3, 30),
        "subject_code": "identity_documents",
        "catalogue_version": "2026.1",
        **CLOCK,
    },
    "nl.ind.decision.InformationReceived": {
        "meta": meta(6),
        "received_on": DAY,
        "suspended_days": 12,
        **CLOCK,
    },
    "nl.ind.decision.DeadlineExtended": {
        "meta": meta(7),
        "months": 0,
        "days": 90,
        "reason_code": "complex_case",
        "catalogue_version": "2026.1",
        **CLOCK,
    },
    "nl.ind.decision.CaseEscalated": {
        "meta": meta(8),
        "escalated_on": DAY,
        "team": "knopendoorhakteam",
        "reason_code": "statutory_term_exceeded",
        "catalogue_version": "2026.1",
        "team_catalogue_version": "2026.1",
    },
    "nl.ind.decision.EscalationResolved": {
        "meta": meta(9),
        "resolved_on": DAY,
        "resolution_code": "hearing_planned",
        "catalogue_version": "2026.1",
    },
    "nl.ind.decision.CaseReferredToProlongedProcedure": {
        "meta": meta(10),
        "referred_on": DAY,
        "reason_code": "further_research",
        "catalogue_version": "2026.1",
    },
    "nl.ind.decision.IntendedDecisionIssued": {
        "meta": meta(11),
        "issued_on": DAY,
        "response_due_on": date(2026, 3, 30),
        "grounds": ["not_credible"],
        "catalogue_version": "2026.1",
    },
    "nl.ind.decision.ResponseReceived": {"meta": meta(12), "received_on": DAY},
    "nl.ind.decision.DecisionTaken": {
        "meta": meta(13),
        "decided_on": DAY,
        "outcome": "partly_granted",
        "grounds": ["income_insufficient"],
        "catalogue_version": "2026.1",
        "days_overdue": 3,
    },
    "nl.ind.decision.NoticeOfDefaultReceived": {
        "meta": meta(13),
        "received_on": DAY,
        "penalty_applies": True,
        "penalty_accrues_from": date(2026, 3, 17),
    },
    "nl.ind.decision.ObjectionFiled": {"meta": meta(14), "filed_on": DAY, "objection_case_id": OBJECTION},
    "nl.ind.decision.AppealLodged": {
        "meta": meta(14),
        "lodged_on": DAY,
        "court_code": "rb-den-haag",
        "catalogue_version": "2026.1",
    },
    "nl.ind.decision.DocumentReadyForIssue": {
        "meta": meta(14),
        "ready_on": DAY,
        "channel": "expat_centre",
        "location_code": "expat-centre-eindhoven",
        "catalogue_version": "2026.1",
    },
    "nl.ind.decision.DocumentIssued": {"meta": meta(15), "issued_on": DAY, "channel": "expat_centre"},
    "nl.ind.decision.CaseClosed": {
        "meta": meta(16),
        "closed_on": DAY,
        "reason_code": "decided",
        "catalogue_version": "2026.1",
    },
}


ACCESSOR = {
    "subject_id": "5b0c6f5e-3d7a-4a51-9d4e-2f0e6f1d2a11",
    "username": "priya.privacy",
    "role": "privacy-officer",
    "client_id": "backbone-dashboard",
    "channel": "api",
}
# The access log's events (backbone/access_log.py): kept in its own store, never published.
SAMPLES |= {
    "nl.ind.access.PersonalDataRead": {
        "meta": meta(1),
        "application_id": UUID("00000000-0000-4000-8000-0000000a0001"),
        "applicant_ref": "P-0123456789abcdef",
        "accessor": ACCESSOR,
        "purpose": "subject-access-request",
        "purpose_catalogue_version": "2026.1",
    },
    "nl.ind.access.CaseInspected": {
        "meta": meta(1),
        "case_id": UUID("00000000-0000-4000-8000-0000000a0002"),
        "view": "history",
        "accessor": ACCESSOR | {"role": "auditor", "username": "anton.auditor"},
        "purpose": "internal-audit",
        "purpose_catalogue_version": "2026.1",
    },
}

LEGACY_HISTORY = [
    {"entry_id": 11, "status": "ONTV", "on": date(2026, 2, 2)},
    {"entry_id": 12, "status": "OPSC", "on": date(2026, 2, 9)},
    {"entry_id": 13, "status": "INBH", "on": date(2026, 2, 23)},
    {"entry_id": 14, "status": "VERL", "on": DAY},
]
# The legacy bridge's events (services/legacy_bridge): legacy cases, translated, on ind.legacy.cases.v1.
SAMPLES |= {
    "nl.ind.legacy.LegacyCaseObserved": {
        "meta": meta(4),
        "zaaknummer": "Z2026-0000042",
        "procedure": "family",
        "stage": "in_decision",
        "legacy_status": "VERL",
        "received_on": date(2026, 2, 2),
        "policy_version": "2025.1",
        "suspended_since": None,
        "suspended_days": 14,
        "extended": True,
        "decided_on": None,
        "ended_on": None,
        "team_code": "Zwolle-A",
        "applicant_ref": "P-0123456789abcdef",
        "status_history": LEGACY_HISTORY,
        "legacy_changed_on": DAY,
        "changed": ["stage", "legacy_status", "extended", "status_history"],
    },
    "nl.ind.legacy.LegacyStatusHistoryObserved": {
        "meta": meta(1),
        "zaaknummer": "Z2026-0000042",
        "status_history": LEGACY_HISTORY[:1],
    },
    "nl.ind.legacy.LegacyCaseHandedOver": {
        "meta": meta(7),
        "zaaknummer": "Z2026-0000042",
        "cutover_id": CUTOVER,
        "handed_over_on": DAY,
    },
    "nl.ind.legacy.LegacyCaseReturned": {
        "meta": meta(8),
        "zaaknummer": "Z2026-0000042",
        "cutover_id": CUTOVER,
        "returned_on": DAY,
    },
    "nl.ind.legacy.LegacyWriteToMigratedCase": {
        "meta": meta(8),
        "zaaknummer": "Z2026-0000042",
        "cutover_id": CUTOVER,
        "legacy_table": "zaken",
        "legacy_status": "BESL",
        "changed": ["stage", "legacy_status", "decided_on"],
    },
    "nl.ind.decision.CaseTakenOverFromLegacy": {
        "meta": meta(1),
        "zaaknummer": "Z2026-0000042",
        "cutover_id": CUTOVER,
        "procedure": "family",
        "received_on": DAY,
        "policy_version": "2025.1",
        "legal_basis": "Vw 2000 art. 25(1)",
        "statutory_deadline": date(2026, 6, 8),
        "stage": "waiting_on_applicant",
        "suspended_days": 7,
        "suspended_since": date(2026, 3, 20),
        "extended": False,
        "days_used": 11,
        "team_code": "family-1",
        "applicant_ref": "P-0123456789abcdef",
    },
    "nl.ind.decision.CaseReturnedToLegacy": {
        "meta": meta(2),
        "zaaknummer": "Z2026-0000042",
        "cutover_id": CUTOVER,
        "returned_on": DAY,
    },
    "nl.ind.legacy.LegacyCaseRemoved": {
        "meta": meta(5),
        "zaaknummer": "Z2026-0000042",
        "legacy_status": "ONTV",
    },
    "nl.ind.legacy.LegacyChangeNotTranslated": {
        "meta": meta(6),
        "zaaknummer": "Z2026-0000042",
        "legacy_table": "zaken",
        "column": "status",
        "rule": "unknown_status",
        "code": "XYZQ",
    },
}
