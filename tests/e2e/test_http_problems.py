"""Bad input gets a clear error, as problem details, and changes nothing (issue 15)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backbone.continuity import StoreBehindTopic, TopicTail
from backbone.http import install_error_handlers
from ind.procedures import Procedure
from ind.routing import Route, RoutingTable
from tests.e2e.test_http_api import body

PROBLEM = "application/problem+json"


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    document: dict[str, Any] = response.json()
    assert document["type"] == f"urn:ind-case-backbone:problem:{code}" and document["code"] == code
    assert document["status"] == status and document["title"] and document["detail"]
    return document


def test_every_error_of_the_api_is_problem_details_with_a_stable_code(client: TestClient) -> None:
    created = client.post("/v1/applications", json=body(procedure="asylum", channel="application_centre"))
    application_id = created.json()["application_id"]
    invalid = problem(client.post("/v1/applications", json={}), 422, "invalid_command")
    assert {"field": "procedure", "rule": "missing", "message": "Field required"} in invalid["errors"]
    problem(client.post(f"/v1/applications/{application_id}/acceptances"), 409, "rule_violation")
    problem(client.get("/v1/applications/00000000-0000-4000-8000-000000000000"), 404, "not_found")
    problem(client.get("/v1/nowhere"), 404, "not_found")
    problem(client.delete("/v1/applications"), 405, "method_not_allowed")
    unreadable = client.post(
        "/v1/applications", content=b"\xff\x1e", headers={"Content-Type": "application/json"}
    )
    problem(unreadable, 400, "bad_request")


def test_a_store_behind_its_topic_is_a_503_problem_with_retry_after() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/behind")
    def behind() -> None:
        raise StoreBehindTopic("intake", "intake.events", TopicTail(7, "e-7"), None, 5)

    response = TestClient(app).get("/behind")
    assert "backbone recover" in problem(response, 503, "store_behind_topic")["detail"]
    assert response.headers["Retry-After"] == "30"


def test_the_openapi_document_declares_the_problem_shape(client: TestClient) -> None:
    document = client.get("/v1/openapi.json").json()
    assert {"type", "code", "title", "status", "detail", "errors"} <= set(
        document["components"]["schemas"]["Problem"]["properties"]
    )
    responses = document["paths"]["/v1/applications/{application_id}/acceptances"]["post"]["responses"]
    assert set(responses) >= {"404", "409", "422", "503"}
    assert list(responses["409"]["content"]) == [PROBLEM]


def test_a_day_before_the_first_policy_is_refused_at_submission_and_records_nothing(
    client: TestClient, backbone: Any
) -> None:
    refused = problem(
        client.post("/v1/applications", json=body(received_on="0016-01-01")), 422, "invalid_command"
    )
    assert [(e["field"], e["rule"]) for e in refused["errors"]] == [("received_on", "day_out_of_range")]
    as_number = problem(client.post("/v1/applications", json=body(received_on=0)), 422, "invalid_command")
    assert [(e["field"], e["rule"]) for e in as_number["errors"]] == [("received_on", "iso_day")]
    assert backbone.intake.recorder.max_notification_id() is None


@pytest.mark.parametrize(
    "query",
    [
        {"granularity": "day", "today": "0001-01-01"},
        {"today": "9999-12-31"},
        {"today": "0"},
    ],
)
def test_a_view_day_outside_the_catalogue_range_is_a_422(client: TestClient, query: dict[str, str]) -> None:
    problem(client.get("/v1/tower/throughput", params=query), 422, "invalid_command")
    problem(client.get("/v1/tower/wip", params={"today": "2000-01-01"}), 422, "invalid_command")


def test_work_in_progress_of_an_empty_team_name_is_empty_not_an_error(
    client: TestClient, backbone: Any
) -> None:
    application_id = client.post("/v1/applications", json=body()).json()["application_id"]
    client.post(f"/v1/applications/{application_id}/acceptances")
    backbone.settle()
    answered = client.get("/v1/tower/wip", params={"procedure": "", "team": ""})
    assert answered.status_code == 200, answered.text


def test_a_defect_notice_with_an_empty_missing_code_is_refused(client: TestClient, backbone: Any) -> None:
    application_id = client.post("/v1/applications", json=body()).json()["application_id"]
    before = backbone.intake.recorder.max_notification_id()
    notice = {"missing": [""], "notified_on": "2026-10-31", "remedy_by": "2026-11-30"}
    refused = client.post(f"/v1/applications/{application_id}/defect-notices", json=notice)
    assert problem(refused, 422, "invalid_command")["errors"][0]["field"] == "missing.0"
    assert backbone.intake.recorder.max_notification_id() == before


def test_free_text_where_a_code_belongs_is_a_422_naming_the_field_and_records_nothing(
    client: TestClient, backbone: Any
) -> None:
    application_id = client.post("/v1/applications", json=body()).json()["application_id"]
    client.post(f"/v1/applications/{application_id}/acceptances")
    backbone.settle()
    before = backbone.decision.recorder.max_notification_id()
    escalation = {"escalated_on": "2026-11-02", "reason_code": "Mr Haddad's lawyer keeps calling"}
    refused = client.post(f"/v1/cases/{application_id}/escalations", json=escalation)
    (error,) = problem(refused, 422, "invalid_command")["errors"]
    assert (error["field"], error["rule"]) == ("reason_code", "unknown_code")
    assert error["message"] == "a code of escalation_grounds version 2026.1"
    assert "Haddad" not in refused.text  # the refusal does not echo what was typed
    assert backbone.decision.recorder.max_notification_id() == before
    assert backbone.decision.case_notes(UUID(application_id)) == []


def test_an_unknown_query_parameter_is_a_422_naming_it_and_the_ones_the_operation_takes(
    client: TestClient,
) -> None:
    misspelt = problem(
        client.get("/v1/tower/workload", params={"procdure": "family"}), 422, "invalid_command"
    )
    (error,) = misspelt["errors"]
    assert (error["field"], error["rule"]) == ("procdure", "unknown_parameter")
    assert "procedure" in error["message"] and "team" in error["message"]
    # A parameter of a dependency counts as the operation's (the purpose of a recorded look).
    case_id = "00000000-0000-4000-8000-000000000000"
    history = f"/v1/audit/cases/{case_id}/history"
    extra = problem(client.get(history, params={"purpose": "audit", "x": "1"}), 422, "invalid_command")
    assert [(e["field"], e["rule"]) for e in extra["errors"]] == [("x", "unknown_parameter")]
    assert "purpose" in extra["errors"][0]["message"]
    assert client.get("/v1/tower/workload", params={"procedure": "family"}).status_code == 200
    # The dashboard's page is no API operation: its own parameters are the page's to read.
    assert client.get("/tower", params={"refresh": "0", "procedure": "family"}).status_code == 200


def test_a_procedure_the_legacy_still_owns_is_refused_at_the_front_door_and_records_nothing(
    client: TestClient, backbone: Any
) -> None:
    backbone.intake.routing = RoutingTable(
        "2027.1", {Procedure.FAMILY: Route(Procedure.FAMILY, cutover_on=date(2026, 3, 1))}
    )
    refused = problem(
        client.post("/v1/applications", json=body(procedure="family", received_on="2026-02-27")),
        409,
        "routed_to_legacy",
    )
    assert "family" in refused["detail"] and "2026-03-01" in refused["detail"]
    assert "routing table 2027.1" in refused["detail"]
    assert backbone.intake.recorder.max_notification_id() is None
    # From the cutover on, and for every other procedure, the backbone takes it.
    assert (
        client.post("/v1/applications", json=body(procedure="family", received_on="2026-03-02")).status_code
        == 201
    )
    assert (
        client.post("/v1/applications", json=body(procedure="study", received_on="2026-02-27")).status_code
        == 201
    )
