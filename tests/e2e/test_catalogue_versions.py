"""Every code on the bus comes with the version of the catalogue it was chosen from (issue 15): teams,
target groups and what a defect notice says is missing, as the grounds and courts already did. A code
the catalogue does not hold is a 422 naming the field and the rule, and records nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from ind.codes.applications import MISSING_ITEMS, TARGET_GROUPS
from ind.codes.teams import TEAMS
from tests.e2e.test_http_api import body
from tests.factories import codec

OFFICER = "O-00000000000000a1"


def last_recorded(service: Any) -> tuple[str, dict[str, Any]]:
    """The topic and the record of the service's last event, as stored and as published."""
    (notification,) = service.recorder.select_notifications(
        start=service.recorder.max_notification_id(), limit=1
    )
    return notification.topic, codec().decode_body(notification.topic, notification.state)


def refused_for(response: Any, field: str) -> str:
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert (error["field"], error["rule"]) == (field, "unknown_code")
    message: str = error["message"]
    return message


def test_a_defect_notice_and_a_classification_record_their_catalogue_version(
    client: TestClient, backbone: Any
) -> None:
    application_id = client.post("/v1/applications", json=body()).json()["application_id"]
    notice = {"missing": ["passport_copy"], "notified_on": "2026-10-31", "remedy_by": "2026-11-30"}
    assert client.post(f"/v1/applications/{application_id}/defect-notices", json=notice).is_success
    topic, record = last_recorded(backbone.intake)
    assert topic == "nl.ind.intake.DefectNotified"
    assert (record["missing"], record["catalogue_version"]) == (["passport_copy"], MISSING_ITEMS.version_id)
    classification = {"complexity": "low", "target_group": "project-eritrea"}
    assert client.post(f"/v1/applications/{application_id}/classifications", json=classification).is_success
    topic, record = last_recorded(backbone.intake)
    assert topic == "nl.ind.intake.ApplicationClassified"
    assert (record["target_group"], record["catalogue_version"]) == (
        "project-eritrea",
        TARGET_GROUPS.version_id,
    )


def test_an_unknown_missing_item_or_target_group_is_refused_and_records_nothing(
    client: TestClient, backbone: Any
) -> None:
    application_id = client.post("/v1/applications", json=body()).json()["application_id"]
    before = backbone.intake.recorder.max_notification_id()
    notice = {"missing": ["a letter from Jan"], "notified_on": "2026-10-31", "remedy_by": "2026-11-30"}
    refused = client.post(f"/v1/applications/{application_id}/defect-notices", json=notice)
    assert (
        refused_for(refused, "missing.0") == f"a code of missing_items version {MISSING_ITEMS.version_id}"
    )
    classification = {"complexity": "low", "target_group": "family of Jan"}
    refused = client.post(f"/v1/applications/{application_id}/classifications", json=classification)
    assert (
        refused_for(refused, "target_group")
        == f"a code of target_groups version {TARGET_GROUPS.version_id}"
    )
    assert backbone.intake.recorder.max_notification_id() == before


def test_an_assignment_and_an_escalation_record_the_teams_version_and_an_unknown_team_is_refused(
    client: TestClient, backbone: Any
) -> None:
    application_id = client.post("/v1/applications", json=body()).json()["application_id"]
    client.post(f"/v1/applications/{application_id}/acceptances")
    backbone.settle()
    before = backbone.decision.recorder.max_notification_id()
    refused = client.post(
        f"/v1/cases/{application_id}/assignments", json={"team": "Jan", "officer_ref": OFFICER}
    )
    assert refused_for(refused, "team") == f"a code of teams version {TEAMS.version_id}"
    assert backbone.decision.recorder.max_notification_id() == before
    team = TEAMS.codes()[0]
    assert client.post(
        f"/v1/cases/{application_id}/assignments", json={"team": team, "officer_ref": OFFICER}
    ).is_success
    topic, record = last_recorded(backbone.decision)
    assert topic == "nl.ind.decision.CaseAssigned"
    assert (record["team"], record["catalogue_version"]) == (team, TEAMS.version_id)
    escalation = {"escalated_on": "2026-11-02", "reason_code": "complex_case"}
    assert client.post(f"/v1/cases/{application_id}/escalations", json=escalation).is_success
    topic, record = last_recorded(backbone.decision)
    assert topic == "nl.ind.decision.CaseEscalated"
    assert (record["team"], record["team_catalogue_version"]) == ("knopendoorhakteam", TEAMS.version_id)
