"""Personal data: kept only in intake's store, encrypted per applicant; forgetting destroys the key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import structlog

from backbone.errors import InvalidCommand
from backbone.logs import configure_logging
from composition.embedded import EmbeddedBackbone
from services.intake.application.commands import AcceptApplication
from services.intake.domain.personal_data import PersonalDataErased
from tests.factories import a_submission, clock, embedded_settings

JAN = {
    "family_name": "Jansen-Haddad",
    "given_names": "Yara Maria",
    "date_of_birth": "1991-04-17",
    "bsn": "111222333",
    "v_number": "1234567890",
    "email": "yara@example.org",
    "phone": "+31 6 12345678",
}
PERSONAL_VALUES = [
    "Jansen-Haddad",
    "Yara Maria",
    "1991-04-17",
    "111222333",
    "1234567890",
    "yara@example.org",
]


@pytest.fixture
def backbone(tmp_path: Path) -> Any:
    backbone = EmbeddedBackbone(embedded_settings(tmp_path / "live"), clock=clock())
    yield backbone
    backbone.close()


def submit_with_personal_data(backbone: Any) -> Any:
    application_id = backbone.intake.submit_application(a_submission(applicant=JAN))
    backbone.intake.execute(application_id, AcceptApplication())
    backbone.settle()
    return application_id


def test_a_bsn_must_pass_the_eleven_test(backbone: Any) -> None:
    with pytest.raises(InvalidCommand) as caught:
        backbone.intake.submit_application(a_submission(applicant={**JAN, "bsn": "123456789"}))
    assert caught.value.problems[0].field == "applicant.bsn"
    assert "11-test" in caught.value.problems[0].message


def test_personal_data_reads_back_and_is_stored_only_encrypted(backbone: Any, tmp_path: Path) -> None:
    application_id = submit_with_personal_data(backbone)
    assert backbone.intake.personal_data(application_id).family_name == "Jansen-Haddad"
    for store in (tmp_path / "live").glob("*.sqlite*"):
        raw = store.read_bytes()
        assert not any(value.encode() in raw for value in PERSONAL_VALUES), store.name


def test_no_event_holds_a_personal_value(backbone: Any) -> None:
    submit_with_personal_data(backbone)
    for recorder in (backbone.intake.recorder, backbone.decision.recorder):
        for notification in recorder.select_notifications(start=0, limit=100):
            assert not any(value.encode() in notification.state for value in PERSONAL_VALUES)


def test_forgetting_erases_the_personal_data_and_everything_still_replays(
    backbone: Any, tmp_path: Path
) -> None:
    application_id = submit_with_personal_data(backbone)
    before = backbone.tower.workload()
    assert backbone.intake.forget_applicant("P-00000000000000a1")
    with pytest.raises(PersonalDataErased, match="forgotten"):
        backbone.intake.personal_data(application_id)
    assert backbone.intake.get_application(application_id).version == 2  # the history is intact
    # Replay every projection from the beginning: a new decision and tower over the same intake log.
    replay = tmp_path / "replay"
    replay.mkdir()
    for part in (tmp_path / "live").glob("intake.sqlite*"):  # the database and its write-ahead log
        shutil.copy(part, replay / part.name)
    rebuilt = EmbeddedBackbone(embedded_settings(replay), clock=clock())
    rebuilt.settle()
    assert rebuilt.tower.workload() == before
    assert rebuilt.decision.get_case(application_id).statutory_deadline is not None
    rebuilt.close()


def test_no_personal_value_reaches_a_log_line(backbone: Any, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json", "debug")
    try:
        submit_with_personal_data(backbone)
        backbone.intake.forget_applicant("P-00000000000000a1")
    finally:
        structlog.reset_defaults()
    lines = capsys.readouterr().err.splitlines()
    assert any(json.loads(line)["event"] == "applicant_forgotten" for line in lines if line.startswith("{"))
    assert not any(value in line for line in lines for value in PERSONAL_VALUES)
