"""The HTTP API's correlation ids, traceparent and access log, in embedded mode."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from fastapi.testclient import TestClient

from backbone.logs import configure_logging
from tests.api_access import signed_in_api
from tests.factories import an_application, codec

CORRELATION = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
PERSON = {
    "family_name": "Jansen-Haddad",
    "given_names": "Yara Maria",
    "date_of_birth": "1991-04-17",
    "bsn": "111222333",
    "v_number": "1234567890",
    "email": "yara@example.org",
}


@pytest.fixture
def client(backbone: Any) -> TestClient:
    return signed_in_api(backbone.intake, backbone.decision, backbone.tower)


@pytest.fixture
def json_logs() -> Iterator[None]:
    configure_logging("json", "info")
    yield
    structlog.reset_defaults()


def body(**overrides: Any) -> dict[str, Any]:
    return json.loads(json.dumps(an_application(**overrides), default=str))


def correlation_ids_recorded(backbone: Any) -> list[str]:
    notifications = backbone.intake.recorder.select_notifications(start=0, limit=100)
    return [codec().decode_body(n.topic, n.state)["meta"]["correlation_id"] for n in notifications]


def log_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines()]


def test_a_given_correlation_id_is_echoed_and_recorded_with_the_commands_events(
    client: TestClient, backbone: Any
) -> None:
    response = client.post("/v1/applications", json=body(), headers={"X-Correlation-ID": CORRELATION})
    assert response.status_code == 201
    assert response.headers["X-Correlation-ID"] == CORRELATION
    assert response.headers["traceparent"].startswith("00-3f2504e04f8941d39a0c0305e82c3301-")
    assert correlation_ids_recorded(backbone) == [CORRELATION]


def test_a_traceparents_trace_id_becomes_the_correlation_id(client: TestClient, backbone: Any) -> None:
    response = client.post("/v1/applications", json=body(), headers={"traceparent": TRACEPARENT})
    assert response.headers["X-Correlation-ID"] == "4bf92f35-77b3-4da6-a3ce-929d0e0e4736"
    trace_id = response.headers["traceparent"].split("-")[1]
    assert trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert correlation_ids_recorded(backbone) == ["4bf92f35-77b3-4da6-a3ce-929d0e0e4736"]


def test_a_correlation_id_that_is_no_uuid_is_replaced_by_a_new_one(
    client: TestClient, backbone: Any
) -> None:
    response = client.post("/v1/applications", json=body(), headers={"X-Correlation-ID": "Jan 111222333"})
    given = response.headers["X-Correlation-ID"]
    assert given != "Jan 111222333" and len(given) == 36
    assert correlation_ids_recorded(backbone) == [given]


def test_every_request_without_an_id_gets_one_of_its_own(client: TestClient) -> None:
    first, second = client.get("/health/live"), client.get("/health/live")
    assert first.headers["X-Correlation-ID"] != second.headers["X-Correlation-ID"]


def test_error_answers_carry_the_correlation_id_too(client: TestClient) -> None:
    headers = {"X-Correlation-ID": CORRELATION}
    invalid = client.post("/v1/applications", json=body(procedure="tourism"), headers=headers)
    missing = client.get("/v1/applications/00000000-0000-4000-8000-000000000000", headers=headers)
    created = client.post("/v1/applications", json=body(procedure="asylum", channel="application_centre"))
    refused = client.post(
        f"/v1/applications/{created.json()['application_id']}/acceptances", headers=headers
    )
    unrouted = client.get("/v1/nowhere", headers=headers)
    assert [r.status_code for r in (invalid, missing, refused, unrouted)] == [422, 404, 409, 404]
    assert {r.headers["X-Correlation-ID"] for r in (invalid, missing, refused, unrouted)} == {CORRELATION}
    assert all("traceparent" in r.headers for r in (invalid, missing, refused, unrouted))


def test_the_access_log_has_one_line_per_request_naming_the_route_template(
    client: TestClient, json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    created = client.post("/v1/applications", json=body(), headers={"X-Correlation-ID": CORRELATION})
    application_id = created.json()["application_id"]
    client.get(f"/v1/applications/{application_id}?verbose=1")
    client.get("/v1/nowhere")
    requests = [line for line in log_lines(capsys) if line["event"] == "http_request"]
    assert [(r["method"], r["route"], r["status"]) for r in requests] == [
        ("POST", "/v1/applications", 201),
        # The template, never the id or the query (an unknown parameter, refused).
        ("GET", "/v1/applications/{application_id}", 422),
        ("GET", "(unmatched)", 404),
    ]
    assert requests[0]["correlation_id"] == CORRELATION
    assert all(r["duration_ms"] >= 0 and r["logger"] == "backbone.http" for r in requests)
    assert not any(application_id in json.dumps(r) for r in requests)


def test_the_correlation_id_is_on_every_log_line_of_the_request(
    client: TestClient, json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    client.post("/v1/applications", json=body(), headers={"X-Correlation-ID": CORRELATION})
    lines = log_lines(capsys)
    assert {line["event"] for line in lines} >= {"application_submitted", "http_request"}
    assert {line["correlation_id"] for line in lines} == {CORRELATION}


def test_no_personal_value_reaches_the_logs_of_submitting_and_reading_personal_data(
    client: TestClient, json_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    created = client.post("/v1/applications", json=body(applicant=PERSON))
    application_id = created.json()["application_id"]
    read = client.get(
        f"/v1/applications/{application_id}/personal-data", params={"purpose": "identity-check"}
    )
    assert read.json()["bsn"] == "111222333"  # the values were there to leak
    output = capsys.readouterr().err
    assert '"route": "/v1/applications/{application_id}/personal-data"' in output
    assert not [value for value in PERSON.values() if value in output]
    assert application_id not in output.replace(f'"case_id": "{application_id}"', "")
