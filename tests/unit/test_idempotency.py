"""A command repeated with the same idempotency key records nothing new and returns the first result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backbone.errors import InvalidCommand
from composition.parts import build_intake
from services.decision.application.commands import parse_case_command
from services.intake.application.commands import (
    AcceptApplication,
    parse_application_command,
)
from tests.factories import (
    a_decision_with_a_case,
    a_submission,
    clock,
    codec,
    embedded_settings,
)


@pytest.fixture
def intake(tmp_path: Path) -> Any:
    return build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())


def test_a_repeated_submission_returns_the_first_id_and_records_nothing(intake: Any) -> None:
    first = intake.submit_application(a_submission(), idempotency_key="req-1")
    again = intake.submit_application(a_submission(), idempotency_key="req-1")
    assert first == again
    assert intake.recorder.max_notification_id() == 1


def test_a_key_reused_for_another_request_is_refused(intake: Any) -> None:
    intake.submit_application(a_submission(), idempotency_key="req-1")
    with pytest.raises(InvalidCommand) as caught:
        intake.submit_application(a_submission(nationality="ERI"), idempotency_key="req-1")
    assert [(p.field, p.rule) for p in caught.value.problems] == [
        ("idempotency_key", "reused_for_another_request")
    ]
    assert intake.recorder.max_notification_id() == 1


def test_repeated_changes_and_acceptances_record_once(intake: Any) -> None:
    application_id = intake.submit_application(a_submission(procedure="naturalisation"))
    for _ in range(2):
        intake.execute(
            application_id,
            parse_application_command("pay-fee", {"paid_on": "2026-10-31", "amount_cents": 100}),
            idempotency_key="fee-1",
        )
        intake.execute(application_id, AcceptApplication(), idempotency_key="accept-1")
    assert intake.get_application(application_id).version == 3


def test_a_repeated_decision_command_records_once(tmp_path: Path, intake: Any) -> None:
    decision, application_id = a_decision_with_a_case(tmp_path, intake)
    command = parse_case_command("assign", {"team": "family-2", "officer_ref": "O-00000000000000b2"})
    for _ in range(3):
        case = decision.execute(application_id, command, idempotency_key="assign-1")
    assert case.version == 2
