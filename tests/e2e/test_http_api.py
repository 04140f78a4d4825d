"""The HTTP API: validation, rules, idempotency and the published OpenAPI document."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api_access import signed_in_api
from tests.factories import an_application

OPENAPI = Path(__file__).parents[2] / "docs" / "openapi.json"


@pytest.fixture
def client(backbone: Any) -> TestClient:
    return signed_in_api(backbone.intake, backbone.decision, backbone.tower)


def body(**overrides: Any) -> dict[str, Any]:
    return json.loads(json.dumps(an_application(**overrides), default=str))


def test_a_bad_request_gets_422_naming_each_field_and_rule_and_records_nothing(
    client: TestClient, backbone: Any
) -> None:
    application = body(procedure="tourism", applicant_ref="Jan Jansen")
    del application["nationality"]
    response = client.post("/v1/applications", json=application)
    assert response.status_code == 422
    problems = {(p["field"], p["rule"]) for p in response.json()["errors"]}
    assert problems == {
        ("procedure", "enum"),
        ("applicant_ref", "string_pattern_mismatch"),
        ("nationality", "missing"),
    }
    assert backbone.intake.recorder.max_notification_id() is None


def test_a_rule_across_fields_is_a_422_too(client: TestClient) -> None:
    response = client.post("/v1/applications", json=body(procedure="renewal", residence_purpose="family"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "previous_permit_ends_on"


def test_an_idempotency_key_makes_a_repeat_harmless(client: TestClient, backbone: Any) -> None:
    first = client.post("/v1/applications", json=body(), headers={"Idempotency-Key": "k-1"})
    again = client.post("/v1/applications", json=body(), headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert backbone.intake.recorder.max_notification_id() == 1
    other = client.post(
        "/v1/applications", json=body(nationality="ERI"), headers={"Idempotency-Key": "k-1"}
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["rule"] == "reused_for_another_request"


def test_what_the_state_forbids_is_a_409_and_an_unknown_id_a_404(client: TestClient) -> None:
    created = client.post("/v1/applications", json=body(procedure="asylum", channel="application_centre"))
    application_id = created.json()["application_id"]
    refused = client.post(f"/v1/applications/{application_id}/acceptances")
    assert refused.status_code == 409 and "track" in refused.json()["detail"]
    assert client.get("/v1/applications/00000000-0000-4000-8000-000000000000").status_code == 404


def test_an_application_is_accepted_and_decided_over_http(client: TestClient, backbone: Any) -> None:
    application_id = client.post("/v1/applications", json=body()).json()["application_id"]
    accepted = client.post(f"/v1/applications/{application_id}/acceptances").json()
    assert accepted["status"] == "accepted" and accepted["statutory_deadline"] == "2027-01-28"
    backbone.settle()
    decided = client.post(
        f"/v1/cases/{application_id}/decisions", json={"decided_on": "2026-11-01", "outcome": "granted"}
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["outcome"] == "granted"
    early = client.post(
        f"/v1/cases/{application_id}/notices-of-default", json={"received_on": "2026-11-01"}
    )
    assert early.status_code == 409


def test_the_published_openapi_document_is_current(client: TestClient) -> None:
    served = client.get("/v1/openapi.json").json()
    assert json.loads(OPENAPI.read_text()) == json.loads(json.dumps(served, sort_keys=True)), (
        "docs/openapi.json is stale: `backbone serve --print-openapi > docs/openapi.json`"
    )
    assert "/v1/cases/{case_id}/decisions" in served["paths"]


def test_backbone_serve_answers_over_real_http(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"BACKBONE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "BACKBONE_LOG_FORMAT": "json"}
    server = subprocess.Popen(
        [sys.executable, "-m", "composition.cli.main", "serve", "--port", str(port)],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/v1/openapi.json", timeout=2
                ) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "backbone serve did not come up"
                time.sleep(0.2)

        def submit(headers: dict[str, str]) -> urllib.request.Request:
            return urllib.request.Request(
                f"http://127.0.0.1:{port}/v1/applications",
                method="POST",
                data=json.dumps(body(received_on="2026-11-02")).encode(),
                headers={"Content-Type": "application/json"} | headers,
            )

        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(submit({}), timeout=10)
        assert refused.value.code == 401
        assert json.loads(refused.value.read())["code"] == "unauthenticated"
        # The development issuer's token, from the key in the served data directory.
        token = subprocess.run(
            [sys.executable, "-m", "composition.cli.main", "token", "--role", "intake-officer"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        with urllib.request.urlopen(submit({"Authorization": f"Bearer {token}"}), timeout=10) as response:
            assert response.status == 201
            assert json.loads(response.read())["status"] == "submitted"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_tower_views_and_metrics_over_http(client: TestClient, backbone: Any) -> None:
    late = body(received_on="2026-06-01", applicant_ref="P-00000000000000b1")
    for application in (body(), late):
        application_id = client.post("/v1/applications", json=application).json()["application_id"]
        client.post(f"/v1/applications/{application_id}/acceptances")
    backbone.settle()
    assert client.get("/v1/tower/workload").json() == [
        {"procedure": "family", "stage": "in_decision", "open_cases": 2}
    ]
    assert client.get("/v1/tower/workload", params={"procedure": "asylum"}).json() == []
    risk = client.get("/v1/tower/deadline-risk", params={"today": "2026-11-02"}).json()
    assert risk["buckets"]["overdue"] == 1 and risk["buckets"]["later"] == 1
    throughput = client.get("/v1/tower/throughput", params={"weeks": 2, "today": "2026-11-02"}).json()
    assert {"week": "2026-W45", "procedure": "family", "inflow": 2, "outflow": 0, "net": 2} in throughput[
        "weeks"
    ]
    assert client.get("/v1/tower/lead-times").json() == []
    metrics = client.get("/metrics").text
    assert 'backbone_open_cases{procedure="family",stage="in_decision"} 2' in metrics
    assert "backbone_overdue_cases 1" in metrics
    assert 'backbone_tower_position{stream="intake"} 4' in metrics


def test_aging_and_issuance_over_http(client: TestClient, backbone: Any) -> None:
    application_id = client.post("/v1/applications", json=body(received_on="2026-06-01")).json()[
        "application_id"
    ]
    client.post(f"/v1/applications/{application_id}/acceptances")
    backbone.settle()
    client.post(
        f"/v1/cases/{application_id}/decisions", json={"decided_on": "2026-10-20", "outcome": "granted"}
    )
    client.post(
        f"/v1/cases/{application_id}/documents-ready",
        json={
            "ready_on": "2026-10-26",
            "channel": "expat_centre",
            "location_code": "expat-centre-eindhoven",
        },
    )
    backbone.settle()
    aging = client.get("/v1/tower/aging", params={"today": "2026-11-02"}).json()
    assert aging["age_bands"]["90_to_179_days"] == 1
    assert aging["longest_waiting"][0]["days_since_receipt"] == 154
    issuance = client.get("/v1/tower/issuance", params={"today": "2026-11-02"}).json()
    assert issuance == [{"channel": "expat_centre", "waiting": 1, "oldest_days": 7, "mean_days": 7.0}]


def test_freshness_per_feed_over_http(client: TestClient, backbone: Any) -> None:
    application_id = client.post("/v1/applications", json=body()).json()["application_id"]
    client.post(f"/v1/applications/{application_id}/acceptances")
    backbone.settle()
    caught_up = {row["stream"]: row for row in client.get("/v1/tower/freshness").json()}
    assert caught_up["intake"]["events_behind"] == 0 and caught_up["intake"]["seconds_behind"] == 0.0
    assert caught_up["decision"]["position"] == 1
    assert caught_up["intake"]["last_latency_seconds"] >= 0
    client.post("/v1/applications", json=body(applicant_ref="P-00000000000000c1"))
    backbone.measure_backlog()  # the tower has not read the new application yet
    behind = {row["stream"]: row for row in client.get("/v1/tower/freshness").json()}
    assert behind["intake"]["events_behind"] == 1 and behind["intake"]["seconds_behind"] > 0
    assert 'backbone_tower_events_behind{stream="intake"} 1' in client.get("/metrics").text
