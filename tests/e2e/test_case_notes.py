"""A caseworker's note over the API: kept beside the case, encrypted under the applicant's key, never in
an event; `backbone privacy forget` makes it unreadable for good, and the case still replays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from composition.cli import main as cli
from tests.api_access import api_app, bearer
from tests.e2e.test_http_api import body

NOTE = "Mw. Haddad belde: het familieboek komt via de ambassade in Beiroet"


@pytest.fixture
def client(backbone: Any) -> TestClient:
    app = api_app(
        backbone.intake,
        backbone.decision,
        lambda: backbone.tower,
        access_log=backbone.system.access_log,
    )
    return TestClient(app, headers=bearer())


def a_case(client: TestClient, backbone: Any) -> str:
    application_id: str = client.post("/v1/applications", json=body()).json()["application_id"]
    client.post(f"/v1/applications/{application_id}/acceptances")
    backbone.settle()
    return application_id


def test_a_note_is_read_back_while_the_applicants_key_exists_and_is_gone_after_forget(
    client: TestClient, backbone: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = a_case(client, backbone)
    assert client.get(f"/v1/cases/{case_id}/notes", params={"purpose": "decision-preparation"}).json() == []
    request = {
        "requested_on": "2026-11-02",
        "due_on": "2026-11-30",
        "subject_code": "civil_status_documents",
    }
    asked = client.post(f"/v1/cases/{case_id}/information-requests", json={**request, "note": NOTE})
    assert asked.status_code == 200, asked.text
    version = asked.json()["version"]
    notes = client.get(f"/v1/cases/{case_id}/notes", params={"purpose": "decision-preparation"})
    assert notes.json() == [{"version": version, "text": NOTE, "erased": False}]
    # Each read of the notes (they may hold personal data) was recorded first, with its purpose.
    looks = backbone.system.access_log.entries(case_id=case_id)
    assert [(e.kind, e.view, e.purpose) for e in looks] == [
        ("case_inspected", "notes", "decision-preparation")
    ] * 2
    assert looks[0].accessor["role"] == "decision-officer"
    events = [n.state for n in backbone.decision.recorder.select_notifications(start=0, limit=100)]
    assert not any(b"Beiroet" in state for state in events)

    monkeypatch.setenv("BACKBONE_MODE", "embedded")
    monkeypatch.setenv("BACKBONE_DATA_DIR", str(tmp_path))
    assert cli.main(["privacy", "forget", "P-00000000000000a1"]) == 0

    gone = client.get(f"/v1/cases/{case_id}/notes", params={"purpose": "decision-preparation"})
    assert gone.status_code == 410, gone.text
    assert "Beiroet" not in gone.text
    assert client.get(f"/v1/cases/{case_id}").json()["suspended"] is True  # the case replays as it was


def test_the_notes_of_no_case_are_a_404(client: TestClient) -> None:
    assert (
        client.get(
            "/v1/cases/00000000-0000-4000-8000-000000000000/notes",
            params={"purpose": "decision-preparation"},
        ).status_code
        == 404
    )
