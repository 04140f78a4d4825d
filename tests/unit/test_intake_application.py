from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from backbone.procedures import Procedure
from services.intake.domain.application import (
    Application,
    ApplicationNotAcceptable,
    FeeNotAcceptable,
)
from services.intake.domain.events import (
    ApplicationAccepted,
    ApplicationStatus,
    ApplicationSubmitted,
    Channel,
    FeePaid,
)
from tests.factories import NOW


def submitted(procedure: Procedure = Procedure.ASYLUM) -> Application:
    return Application.submit(
        application_id=uuid4(),
        procedure=procedure,
        channel=Channel.ONLINE,
        received_on=date(2026, 10, 30),
        applicant_ref="P-00000000000000a1",
        nationality="SYR",
        now=NOW,
        correlation_id="corr-1",
    )


def test_submitting_records_application_submitted_with_the_pseudonymous_reference() -> None:
    application = submitted()
    (event,) = application.collect_events()
    assert isinstance(event, ApplicationSubmitted)
    assert event.applicant_ref == "P-00000000000000a1"
    assert event.occurred_at == NOW and event.correlation_id == "corr-1"
    assert application.status is ApplicationStatus.SUBMITTED


def test_accepting_sets_the_statutory_deadline_of_the_procedure() -> None:
    application = submitted(Procedure.STUDY)
    application.accept(now=NOW, correlation_id="corr-2")
    event = application.collect_events()[-1]
    assert isinstance(event, ApplicationAccepted)
    assert event.statutory_deadline == date(2026, 12, 29)  # 60 days after 30 October
    assert application.status is ApplicationStatus.ACCEPTED


def test_an_asylum_deadline_is_six_months_after_receipt() -> None:
    application = submitted(Procedure.ASYLUM)
    application.accept(now=NOW, correlation_id="c")
    assert application.statutory_deadline == date(2027, 4, 30)


def test_accepting_twice_is_refused_and_records_nothing() -> None:
    application = submitted()
    application.accept(now=NOW, correlation_id="c")
    application.collect_events()
    with pytest.raises(ApplicationNotAcceptable, match="only a submitted one"):
        application.accept(now=NOW, correlation_id="c")
    assert application.collect_events() == []
    assert application.version == 2


def test_naturalisation_is_not_accepted_before_the_fee_is_paid() -> None:
    application = submitted(Procedure.NATURALISATION)
    application.collect_events()
    with pytest.raises(ApplicationNotAcceptable, match="fee is paid"):
        application.accept(now=NOW, correlation_id="c")
    assert application.collect_events() == []


def test_a_late_fee_starts_the_naturalisation_clock_on_the_day_of_payment() -> None:
    application = submitted(Procedure.NATURALISATION)  # received 30 October 2026
    application.pay_fee(paid_on=date(2026, 11, 20), amount_cents=141_100, now=NOW, correlation_id="c")
    application.accept(now=NOW, correlation_id="c")
    accepted = application.collect_events()[-1]
    assert isinstance(accepted, ApplicationAccepted)
    assert accepted.clock_started_on == date(2026, 11, 20)
    assert accepted.statutory_deadline == date(2027, 11, 22)  # 20 Nov 2027 is a Saturday
    assert (accepted.policy_version, accepted.legal_basis) == ("2025.1", "RWN art. 9(4)")


def test_every_acceptance_records_the_policy_version_and_legal_basis() -> None:
    application = submitted(Procedure.FAMILY)
    application.accept(now=NOW, correlation_id="c")
    accepted = application.collect_events()[-1]
    assert isinstance(accepted, ApplicationAccepted)
    assert (accepted.policy_version, accepted.legal_basis) == ("2025.1", "Vw 2000 art. 25(1)")
    assert accepted.clock_started_on == date(2026, 10, 30)


def test_a_fee_paid_before_receipt_or_twice_is_refused() -> None:
    application = submitted(Procedure.NATURALISATION)
    with pytest.raises(FeeNotAcceptable, match="before the application was received"):
        application.pay_fee(paid_on=date(2026, 10, 1), amount_cents=1, now=NOW, correlation_id="c")
    application.pay_fee(paid_on=date(2026, 10, 30), amount_cents=1, now=NOW, correlation_id="c")
    with pytest.raises(FeeNotAcceptable, match="was paid on"):
        application.pay_fee(paid_on=date(2026, 10, 31), amount_cents=1, now=NOW, correlation_id="c")
    assert isinstance(application.collect_events()[-1], FeePaid)
