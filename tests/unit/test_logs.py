from __future__ import annotations

import json
from pathlib import Path

import pytest
import structlog

from backbone.logs import configure_logging
from composition.parts import build_intake
from services.intake.application.commands import AcceptApplication
from tests.factories import a_submission, clock, codec, embedded_settings


@pytest.fixture
def json_logs():
    configure_logging("json", "info")
    yield
    structlog.reset_defaults()


def test_command_logs_are_json_with_the_case_and_correlation_ids(
    tmp_path: Path, json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    intake = build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())
    application_id = intake.submit_application(a_submission(), correlation_id="corr-7")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    (submitted,) = [line for line in lines if line["event"] == "application_submitted"]
    assert submitted["case_id"] == str(application_id)
    assert submitted["correlation_id"] == "corr-7"
    assert submitted["level"] == "info" and "timestamp" in submitted


def test_the_applicant_reference_is_not_logged(
    tmp_path: Path, json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    intake = build_intake(embedded_settings(tmp_path), codec=codec(), clock=clock())
    intake.execute(intake.submit_application(a_submission()), AcceptApplication())
    assert "P-00000000000000a1" not in capsys.readouterr().err
