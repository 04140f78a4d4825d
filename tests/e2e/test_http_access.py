"""Who may call what over HTTP, and the access log: every read of personal data and every auditor's
look at a case is recorded (who, which role, when, which applicant or case, the stated purpose) before
anything is shown, and the record holds none of the personal data."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from backbone.http_auth import role_table, role_table_markdown
from backbone.identity.principal import Role
from composition.embedded import EmbeddedBackbone
from services.audit.replay import CaseHistory, replay_case
from tests.api_access import api_app, bearer, shared_issuer
from tests.e2e.test_http_api import body
from tests.factories import clock, embedded_settings

PERSON = {"family_name": "Haddad", "given_names": "Yara", "date_of_birth": "1991-04-17", "bsn": "111222333"}
APPLICANT = "P-00000000000000a1"


@pytest.fixture
def backbone(tmp_path: Path) -> Iterator[EmbeddedBackbone]:
    backbone = EmbeddedBackbone(embedded_settings(tmp_path), clock=clock())
    yield backbone
    backbone.close()


@pytest.fixture
def api(backbone: EmbeddedBackbone) -> TestClient:
    system = backbone.system

    def history(case_id: UUID) -> CaseHistory:
        return replay_case(system.settings, system.codec, case_id)

    app = api_app(
        backbone.intake,
        backbone.decision,
        backbone.tower,
        access_log=system.access_log,
        case_history=history,
    )
    return TestClient(app)


def as_role(*roles: Role, user: str = "someone") -> dict[str, str]:
    return bearer(*roles, user=user)


def submitted(api: TestClient) -> str:
    response = api.post(
        "/v1/applications", json=body(applicant=PERSON), headers=as_role(Role.INTAKE_OFFICER)
    )
    assert response.status_code == 201, response.text
    return str(response.json()["application_id"])


def test_no_token_a_bad_token_and_the_wrong_role_are_refused_as_problems_naming_what_is_missing(
    api: TestClient,
) -> None:
    missing = api.get("/v1/tower/workload")
    assert missing.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.headers["www-authenticate"] == 'Bearer realm="backbone"'
    assert missing.json()["code"] == "unauthenticated"
    assert "Authorization: Bearer" in missing.json()["detail"]

    token = bearer(Role.OPERATIONS)["Authorization"].removeprefix("Bearer ")
    spoiled = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    refused = api.get("/v1/tower/workload", headers={"Authorization": f"Bearer {spoiled}"})
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_token"
    assert "bad signature" in refused.json()["detail"]
    assert spoiled not in refused.text and spoiled not in refused.headers["www-authenticate"]

    forbidden = api.get("/v1/tower/workload", headers=as_role(Role.INTAKE_OFFICER))
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "missing_role"
    assert "operations, planner" in forbidden.json()["detail"]
    assert 'error="insufficient_scope"' in forbidden.headers["www-authenticate"]
    # A planner may run what-if scenarios; operations may not.
    assert api.get("/v1/tower/whatif", headers=as_role(Role.OPERATIONS)).status_code == 403
    assert api.get("/v1/tower/whatif", headers=as_role(Role.PLANNER)).status_code == 200
    # Health needs no token: a load balancer has none.
    assert api.get("/health/live").status_code == 200


@pytest.mark.parametrize("sent", ["not json", '{"applicant": 7}', ""], ids=["not-json", "wrong", "empty"])
def test_the_token_is_checked_before_the_body_so_a_stranger_learns_nothing_of_the_fields(
    api: TestClient, sent: str
) -> None:
    def post(headers: dict[str, str]) -> Any:
        headers = {"Content-Type": "application/json", **headers}
        return api.post("/v1/applications", content=sent, headers=headers)

    stranger = post({})
    assert stranger.status_code == 401 and stranger.json()["code"] == "unauthenticated"
    assert "errors" not in stranger.json()
    wrong_role = post(as_role(Role.OPERATIONS))
    assert wrong_role.status_code == 403 and wrong_role.json()["code"] == "missing_role"
    officer = post(as_role(Role.INTAKE_OFFICER))
    assert officer.status_code == 422 and officer.json()["errors"]  # now the fields are named


def test_an_expired_token_and_another_audiences_token_are_refused(api: TestClient) -> None:
    issuer = shared_issuer()
    now = int(time.time())  # the verifier checks against the real clock
    for claims, reason in [
        ({"exp": now - 3600, "iat": now - 7200}, "expired"),
        ({"aud": ["another-api"]}, "wrong audience"),
    ]:
        token = issuer.sign(
            {
                "iss": issuer.issuer,
                "sub": "s",
                "aud": ["backbone-api"],
                "iat": now,
                "exp": now + 300,
                "typ": "Bearer",
                "realm_access": {"roles": ["operations"]},
            }
            | claims
        )
        refused = api.get("/v1/tower/workload", headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 401 and reason in refused.json()["detail"], refused.text


def test_only_a_privacy_officer_reads_personal_data_and_each_read_is_recorded_without_it(
    api: TestClient, backbone: EmbeddedBackbone, tmp_path: Path
) -> None:
    application_id = submitted(api)
    path = f"/v1/applications/{application_id}/personal-data"
    for role in (Role.INTAKE_OFFICER, Role.AUDITOR, Role.OPERATIONS):
        assert api.get(path, params={"purpose": "identity-check"}, headers=as_role(role)).status_code == 403
    officer = as_role(Role.PRIVACY_OFFICER, user="priya.privacy")
    no_purpose = api.get(path, headers=officer)
    assert no_purpose.status_code == 422 and no_purpose.json()["errors"][0]["field"] == "purpose"
    unknown = api.get(path, params={"purpose": "curiosity"}, headers=officer)
    assert unknown.status_code == 422
    assert backbone.system.access_log.entries() == []  # refused looks leave no record: nothing was shown

    read = api.get(path, params={"purpose": "subject-access-request"}, headers=officer)
    assert read.status_code == 200 and read.json()["bsn"] == "111222333"

    (entry,) = backbone.system.access_log.entries()
    assert entry.kind == "personal_data_read"
    assert entry.case_id == application_id and entry.applicant_ref == APPLICANT
    assert entry.purpose == "subject-access-request" and entry.purpose_catalogue_version
    assert entry.accessor["username"] == "priya.privacy"
    assert entry.accessor["role"] == "privacy-officer" and entry.accessor["channel"] == "api"
    assert entry.correlation_id == read.headers["x-correlation-id"]
    # The record holds none of the personal data: not in the event, not anywhere in the store's file.
    stored = b"".join(path.read_bytes() for path in tmp_path.rglob("*access_log*"))
    assert stored, "the access log's store file was not found"
    for value in PERSON.values():
        assert value.encode() not in stored
    assert api.get(path, params={"purpose": "rectification"}, headers=officer).status_code == 200
    assert len(backbone.system.access_log.entries(applicant_ref=APPLICANT)) == 2


def test_an_auditors_look_at_a_case_is_recorded_and_the_access_log_shows_every_look(
    api: TestClient, backbone: EmbeddedBackbone
) -> None:
    application_id = submitted(api)
    history = f"/v1/audit/cases/{application_id}/history"
    auditor = as_role(Role.AUDITOR, user="anton.auditor")
    assert (
        api.get(history, params={"purpose": "internal-audit"}, headers=as_role(Role.OPERATIONS)).status_code
        == 403
    )
    assert api.get(history, headers=auditor).status_code == 422  # no purpose stated

    looked = api.get(history, params={"purpose": "internal-audit"}, headers=auditor)
    assert looked.status_code == 200, looked.text
    assert looked.json()["events"][0]["event_type"] == "nl.ind.intake.application-submitted"
    officer = as_role(Role.PRIVACY_OFFICER, user="priya.privacy")
    personal = f"/v1/applications/{application_id}/personal-data"
    api.get(personal, params={"purpose": "identity-check"}, headers=officer)

    shown = api.get("/v1/audit/access-log", params={"case_id": application_id}, headers=auditor)
    assert shown.status_code == 200
    entries: list[dict[str, Any]] = shown.json()
    assert [(e["kind"], e["accessor"]["username"], e["purpose"]) for e in entries] == [
        ("case_inspected", "anton.auditor", "internal-audit"),
        ("personal_data_read", "priya.privacy", "identity-check"),
    ]
    # A privacy officer answers "who has seen my data?"; an intake officer may not see the log.
    mine = api.get("/v1/audit/access-log", params={"applicant_ref": APPLICANT}, headers=officer).json()
    assert [e["kind"] for e in mine] == ["personal_data_read"]
    assert api.get("/v1/audit/access-log", headers=as_role(Role.INTAKE_OFFICER)).status_code == 403
    assert "Haddad" not in json.dumps(entries) and "111222333" not in json.dumps(entries)


def test_the_personal_data_is_not_shown_when_its_read_cannot_be_recorded(
    api: TestClient, backbone: EmbeddedBackbone, tmp_path: Path
) -> None:
    application_id = submitted(api)
    # A real fault: the access log's table is gone from its SQLite file under the running API.
    with sqlite3.connect(tmp_path / "access_log.sqlite") as store:
        store.execute("DROP TABLE stored_events")
    response = TestClient(api.app, raise_server_exceptions=False).get(
        f"/v1/applications/{application_id}/personal-data",
        params={"purpose": "identity-check"},
        headers=as_role(Role.PRIVACY_OFFICER),
    )
    assert response.status_code == 500
    assert "111222333" not in response.text and "Haddad" not in response.text


def test_the_docs_role_table_is_the_apis(api: TestClient) -> None:
    documented = (Path(__file__).parents[2] / "docs" / "identity.md").read_text()
    table = documented.split("<!-- roles: generated by `backbone serve --print-roles` -->\n")[1]
    assert table.split("<!-- /roles -->")[0] == role_table_markdown(api.app), (
        "docs/identity.md's role table is stale: `backbone serve --print-roles`"
    )
    # Every operation but health, the docs and the dashboard's page needs a role.
    open_ones = {(row.method, row.path) for row in role_table(api.app) if not row.roles}
    assert open_ones == {("GET", "/health/live"), ("GET", "/health/ready"), ("GET", "/tower")}


@pytest.mark.parametrize(
    "command",
    [["serve", "--port", "1"], ["run", "intake", "--health-port", "1"]],
    ids=["serve", "run-with-health-port"],
)
def test_distributed_mode_refuses_to_serve_without_an_issuer(tmp_path: Path, command: list[str]) -> None:
    environment = {
        "PATH": "/usr/bin:/bin",
        "BACKBONE_MODE": "distributed",
        "BACKBONE_DATA_DIR": str(tmp_path),
    }
    refused = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", *command],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 7, refused.stderr
    assert "set BACKBONE_OIDC_ISSUER" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "identity").exists()  # no development key was made
