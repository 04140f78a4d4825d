from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from backbone.errors import InvalidCommand
from composition.parts import build_intake
from services.intake.application.commands import parse_application_command, parse_submission
from tests.factories import a_submission, an_application, clock, codec, embedded_settings


@pytest.fixture
def intake(tmp_path: Path):
    return build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())


def rejected(intake, application) -> InvalidCommand:
    with pytest.raises(InvalidCommand) as caught:
        intake.submit_application(parse_submission(application))
    assert intake.recorder.max_notification_id() is None, "a rejected command recorded something"
    return caught.value


def test_a_missing_field_is_named_and_nothing_is_recorded(intake) -> None:
    application = an_application()
    del application["procedure"]
    error = rejected(intake, application)
    assert [(p.field, p.rule) for p in error.problems] == [("procedure", "missing")]
    assert "procedure" in str(error)


def test_an_unknown_procedure_is_named_with_the_allowed_values(intake) -> None:
    error = rejected(intake, an_application(procedure="tourism"))
    (problem,) = error.problems
    assert (problem.field, problem.rule) == ("procedure", "enum")
    assert "naturalisation" in problem.message


def test_every_broken_field_is_named_at_once(intake) -> None:
    error = rejected(intake, an_application(applicant_ref="Jan Jansen", nationality="nl", channel="fax"))
    assert {p.field for p in error.problems} == {"applicant_ref", "nationality", "channel"}
    assert "string_pattern_mismatch" in {p.rule for p in error.problems}


def test_a_personal_name_cannot_pass_as_applicant_reference(intake) -> None:
    error = rejected(intake, an_application(applicant_ref="Jan Jansen"))
    assert error.problems[0].field == "applicant_ref"


def test_a_receipt_date_in_the_future_is_refused(intake) -> None:
    error = rejected(intake, an_application(received_on=date(2027, 1, 1)))
    assert [(p.field, p.rule) for p in error.problems] == [("received_on", "not_in_future")]


def test_unknown_fields_are_refused(intake) -> None:
    error = rejected(intake, an_application(bsn="123456782"))
    assert [(p.field, p.rule) for p in error.problems] == [("bsn", "extra_forbidden")]


def test_a_valid_application_is_recorded(intake) -> None:
    application_id = intake.submit_application(a_submission())
    assert intake.get_application(application_id).nationality == "SYR"
    assert intake.recorder.max_notification_id() == 1


def test_an_objection_cannot_be_submitted_to_intake(intake) -> None:
    error = rejected(intake, an_application(procedure="objection"))
    (problem,) = error.problems
    assert problem.field == "procedure" and "filed against a decision" in problem.message


def test_a_fee_payment_names_its_broken_fields_and_records_nothing(intake) -> None:
    application_id = intake.submit_application(a_submission(procedure="naturalisation"))
    with pytest.raises(InvalidCommand) as caught:
        intake.execute(
            application_id,
            parse_application_command("pay-fee", {"paid_on": "2027-01-01", "amount_cents": 0}),
        )
    assert [(p.field, p.rule) for p in caught.value.problems] == [("amount_cents", "greater_than")]
    with pytest.raises(InvalidCommand) as caught:
        intake.execute(
            application_id,
            parse_application_command("pay-fee", {"paid_on": "2027-01-01", "amount_cents": 5}),
        )
    assert [(p.field, p.rule) for p in caught.value.problems] == [("paid_on", "not_in_future")]
    assert intake.recorder.max_notification_id() == 1
