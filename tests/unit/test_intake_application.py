from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from backbone.procedures import Procedure
from services.intake.domain.application import Application, ApplicationNotAcceptable
from services.intake.domain.events import (
    ApplicationAccepted,
    ApplicationStatus,
    ApplicationSubmitted,
    Channel,
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
