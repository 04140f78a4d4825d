from __future__ import annotations

import json
import logging
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


def test_a_library_line_is_json_with_the_same_keys_as_our_own(
    json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    structlog.get_logger("backbone.outbox").warning("relay_slow")
    logging.getLogger("kafka.conn").warning("connect to %s failed", "broker-1")
    ours, library = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert ours.keys() == library.keys() == {"timestamp", "level", "logger", "event"}
    assert library == {
        **library,
        "level": "warning",
        "logger": "kafka.conn",
        "event": "connect to broker-1 failed",
    }
    assert ours["logger"] == "backbone.outbox"


def test_a_library_line_carries_the_ids_bound_for_the_request(
    json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with structlog.contextvars.bound_contextvars(correlation_id="c-1"):
        logging.getLogger("kafka.coordinator").warning("heartbeat failed")
    (line,) = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert line["correlation_id"] == "c-1"


def test_uvicorns_loggers_keep_no_handlers_of_their_own(json_logs: None) -> None:
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        assert logging.getLogger(name).handlers == [] and logging.getLogger(name).propagate


def test_kafka_pythons_selector_stays_quiet_at_the_default_library_level(
    json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    logging.getLogger("kafka.net.selector").warning("main thread held the interpreter")
    logging.getLogger("kafka.conn").info("joined the group")
    assert capsys.readouterr().err == ""
