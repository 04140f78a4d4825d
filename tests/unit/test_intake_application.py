"""The Application aggregate's rules, event by event."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from backbone.events import Cause
from ind.codes.applications import MISSING_ITEMS, TARGET_GROUPS
from ind.procedures import Procedure
from services.intake.domain.application import Application, ApplicationRuleViolation
from services.intake.domain.events import (
    ApplicationAccepted,
    ApplicationClassified,
    ApplicationNotProcessed,
    ApplicationSubmitted,
    DefectNotified,
    FeePaid,
    ResidenceGapDetected,
    SubstantialShareholdingFlagged,
)
from services.intake.domain.vocabulary import ApplicationStatus, AsylumTrack, Channel, Complexity
from tests.factories import NOW

RECEIVED = date(2026, 10, 1)
CAUSE = Cause(NOW, "c")


def submitted(procedure: Procedure = Procedure.FAMILY, **facts: Any) -> Application:
    values: dict[str, Any] = {
        "procedure": procedure,
        "channel": Channel.ONLINE,
        "received_on": RECEIVED,
        "applicant_ref": "P-00000000000000a1",
        "nationality": "SYR",
        "residence_purpose": None,
        "sponsor_ref": None,
        "previous_permit_ends_on": None,
        "employer_share_percent": None,
    }
    values.update(facts)
    return Application.submit(application_id=uuid4(), cause=Cause(NOW, "corr-1"), **values)


def events_of(application: Application) -> list[Any]:
    return list(application.collect_events())


def accepted_event(application: Application) -> ApplicationAccepted:
    application.accept(cause=CAUSE)
    event = events_of(application)[-1]
    assert isinstance(event, ApplicationAccepted)
    return event


def test_submitting_records_application_submitted_with_the_pseudonymous_reference() -> None:
    application = submitted()
    (event,) = events_of(application)
    assert isinstance(event, ApplicationSubmitted)
    assert event.applicant_ref == "P-00000000000000a1"
    assert event.occurred_at == NOW and event.correlation_id == "corr-1"
    assert application.status is ApplicationStatus.SUBMITTED


def test_acceptance_records_the_deadline_policy_version_and_legal_basis() -> None:
    event = accepted_event(submitted(Procedure.STUDY))
    assert event.statutory_deadline == date(2026, 11, 30)  # 60 days after 1 October
    assert (event.policy_version, event.legal_basis) == ("2025.1", "Vw 2000 art. 25(1)")
    assert event.clock_started_on == RECEIVED


def test_accepting_twice_is_refused_and_records_nothing() -> None:
    application = submitted()
    accepted_event(application)
    with pytest.raises(ApplicationRuleViolation, match="it is accepted"):
        application.accept(cause=CAUSE)
    assert events_of(application) == []


def test_an_asylum_application_is_accepted_once_its_track_is_set() -> None:
    application = submitted(Procedure.ASYLUM, channel=Channel.APPLICATION_CENTRE)
    with pytest.raises(ApplicationRuleViolation, match="track"):
        application.accept(cause=CAUSE)
    with pytest.raises(ApplicationRuleViolation, match="needs an asylum track"):
        application.classify(track=None, target_group=None, complexity=Complexity.LOW, cause=CAUSE)
    application.classify(
        track=AsylumTrack.GENERAL,
        target_group="project-syria",
        complexity=Complexity.HIGH,
        cause=CAUSE,
    )
    assert isinstance(events_of(application)[-1], ApplicationClassified)
    assert accepted_event(application).statutory_deadline == date(2027, 4, 1)  # 6 months


def test_a_regular_application_has_no_asylum_track() -> None:
    with pytest.raises(ApplicationRuleViolation, match="has no asylum track"):
        submitted().classify(
            track=AsylumTrack.DUBLIN,
            target_group=None,
            complexity=Complexity.LOW,
            cause=CAUSE,
        )


def test_naturalisation_is_not_accepted_before_the_fee_is_paid() -> None:
    application = submitted(Procedure.NATURALISATION)
    events_of(application)
    with pytest.raises(ApplicationRuleViolation, match="fee is paid"):
        application.accept(cause=CAUSE)
    assert events_of(application) == []


def test_a_late_fee_starts_the_naturalisation_clock_on_the_day_of_payment() -> None:
    application = submitted(Procedure.NATURALISATION)
    application.pay_fee(paid_on=date(2026, 10, 20), amount_cents=141_100, cause=CAUSE)
    event = accepted_event(application)
    assert event.clock_started_on == date(2026, 10, 20)
    assert event.statutory_deadline == date(2027, 10, 20)
    assert (event.policy_version, event.legal_basis) == ("2025.1", "RWN art. 9(4)")


def test_a_fee_paid_before_receipt_or_twice_is_refused() -> None:
    application = submitted(Procedure.NATURALISATION)
    with pytest.raises(ApplicationRuleViolation, match="before the application was received"):
        application.pay_fee(paid_on=date(2026, 9, 1), amount_cents=1, cause=CAUSE)
    application.pay_fee(paid_on=RECEIVED, amount_cents=1, cause=CAUSE)
    with pytest.raises(ApplicationRuleViolation, match="was paid on"):
        application.pay_fee(paid_on=date(2026, 10, 2), amount_cents=1, cause=CAUSE)
    assert isinstance(events_of(application)[-1], FeePaid)


def test_a_remedied_defect_moves_the_deadline_by_the_suspended_days() -> None:
    application = submitted(Procedure.FAMILY)  # 90 days: 30 December 2026
    application.notify_defect(
        notified_on=date(2026, 10, 5),
        remedy_by=date(2026, 10, 19),
        missing=["income_proof"],
        cause=CAUSE,
    )
    with pytest.raises(ApplicationRuleViolation, match="waits for the applicant"):
        application.accept(cause=CAUSE)
    application.remedy_defect(remedied_on=date(2026, 10, 15), cause=CAUSE)
    assert accepted_event(application).statutory_deadline == date(
        2027, 1, 11
    )  # +10 days: 9 Jan is a Saturday


def test_a_second_defect_while_one_is_open_is_refused() -> None:
    application = submitted()
    application.notify_defect(
        notified_on=date(2026, 10, 5),
        remedy_by=date(2026, 10, 19),
        missing=["x"],
        cause=CAUSE,
    )
    with pytest.raises(ApplicationRuleViolation, match="still open"):
        application.notify_defect(
            notified_on=date(2026, 10, 6),
            remedy_by=date(2026, 10, 20),
            missing=["y"],
            cause=CAUSE,
        )
    assert isinstance(events_of(application)[-1], DefectNotified)


def test_an_unremedied_defect_after_its_date_ends_in_not_processed() -> None:
    application = submitted()
    application.notify_defect(
        notified_on=date(2026, 10, 5),
        remedy_by=date(2026, 10, 19),
        missing=["x"],
        cause=CAUSE,
    )
    with pytest.raises(ApplicationRuleViolation, match="remedy date has passed"):
        application.stop_processing(decided_on=date(2026, 10, 19), cause=CAUSE)
    application.stop_processing(decided_on=date(2026, 10, 20), cause=CAUSE)
    event = events_of(application)[-1]
    assert isinstance(event, ApplicationNotProcessed) and event.legal_basis == "Awb 4:5"
    with pytest.raises(ApplicationRuleViolation, match="not_processed"):
        application.withdraw(withdrawn_on=date(2026, 10, 21), cause=CAUSE)


def test_a_withdrawn_application_cannot_be_accepted() -> None:
    application = submitted()
    application.withdraw(withdrawn_on=date(2026, 10, 3), cause=CAUSE)
    with pytest.raises(ApplicationRuleViolation, match="withdrawn"):
        application.accept(cause=CAUSE)


@pytest.mark.parametrize(
    ("ends_on", "gap", "within_grace"), [(date(2026, 9, 10), 21, True), (date(2026, 8, 1), 61, False)]
)
def test_a_late_renewal_raises_a_residence_gap_with_its_length(
    ends_on: date, gap: int, within_grace: bool
) -> None:
    application = submitted(Procedure.RENEWAL, previous_permit_ends_on=ends_on)
    _, gap_event = events_of(application)
    assert isinstance(gap_event, ResidenceGapDetected)
    assert (gap_event.gap_days, gap_event.within_grace) == (gap, within_grace)


def test_a_timely_renewal_has_no_gap() -> None:
    assert len(events_of(submitted(Procedure.RENEWAL, previous_permit_ends_on=date(2026, 12, 1)))) == 1


def test_a_highly_skilled_migrant_owning_over_a_quarter_of_the_employer_is_flagged() -> None:
    (_, flag) = events_of(submitted(Procedure.HIGHLY_SKILLED_MIGRANT, employer_share_percent=30))
    assert isinstance(flag, SubstantialShareholdingFlagged) and flag.share_percent == 30
    assert len(events_of(submitted(Procedure.HIGHLY_SKILLED_MIGRANT, employer_share_percent=25))) == 1


def test_defect_events_record_the_legal_basis_and_policy_version_of_the_clock() -> None:
    application = submitted()
    application.notify_defect(
        notified_on=date(2026, 10, 5),
        remedy_by=date(2026, 10, 19),
        missing=["x"],
        cause=CAUSE,
    )
    application.remedy_defect(remedied_on=date(2026, 10, 8), cause=CAUSE)
    notified, remedied = events_of(application)[-2:]
    for event in (notified, remedied):
        assert (event.policy_version, event.legal_basis) == ("2025.1", "Awb 4:5; Awb 4:15(1)(a)")


def test_a_defect_notice_and_a_classification_record_the_version_of_their_code_list() -> None:
    application = submitted()
    application.notify_defect(
        notified_on=date(2026, 10, 5), remedy_by=date(2026, 10, 19), missing=["signature"], cause=CAUSE
    )
    application.remedy_defect(remedied_on=date(2026, 10, 8), cause=CAUSE)
    application.classify(track=None, target_group="project-yemen", complexity=Complexity.LOW, cause=CAUSE)
    notified, _, classified = events_of(application)[-3:]
    assert isinstance(notified, DefectNotified) and notified.catalogue_version == MISSING_ITEMS.version_id
    assert isinstance(classified, ApplicationClassified)
    assert classified.catalogue_version == TARGET_GROUPS.version_id
