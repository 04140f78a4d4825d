"""Liveness and readiness of the API: live when the process answers; ready when intake's and decision's
stores and the tower's views answer; 503 naming the store that does not (here, a PostgreSQL schema
dropped under the running API), and a check that hangs is reported as such, never waited for."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest

from backbone.health import readiness
from backbone.runtime import postgres_dsn
from backbone.settings import Settings
from composition.embedded import EmbeddedBackbone
from composition.opened import DistributedBackbone
from composition.system import System
from tests.api_access import signed_in_api
from tests.factories import embedded_settings


def test_the_api_is_live_and_ready_when_its_stores_answer(tmp_path: Path) -> None:
    backbone = EmbeddedBackbone(embedded_settings(tmp_path))
    try:
        client = signed_in_api(backbone.intake, backbone.decision, lambda: backbone.tower)
        assert client.get("/health/live").json() == {"status": "live"}
        ready = client.get("/health/ready")
    finally:
        backbone.close()
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"intake_store": "ok", "decision_store": "ok", "tower_views": "ok"},
    }


@pytest.mark.postgres
def test_a_store_that_does_not_answer_makes_the_api_not_ready_and_is_named(
    postgres_settings: Settings,
) -> None:
    backbone = DistributedBackbone(System(postgres_settings))
    try:
        client = signed_in_api(backbone.intake, backbone.decision, lambda: backbone.tower)
        assert client.get("/health/ready").status_code == 200
        with psycopg.connect(postgres_dsn(postgres_settings), autocommit=True) as connection:
            connection.execute("DROP SCHEMA decision CASCADE")
        ready = client.get("/health/ready")
        live = client.get("/health/live")
    finally:
        backbone.close()
    assert ready.status_code == 503 and ready.json()["status"] == "not_ready"
    checks = ready.json()["checks"]
    assert checks["intake_store"] == "ok" and checks["tower_views"] == "ok"
    assert "decision_events" in checks["decision_store"]  # what went wrong, named
    assert live.status_code == 200  # the process itself still answers


def test_a_check_that_hangs_is_reported_within_its_time_not_waited_for() -> None:
    started = time.monotonic()
    outcomes = readiness({"quick": lambda: None, "stuck": lambda: time.sleep(3)}, timeout=0.3)
    assert outcomes == {"quick": "ok", "stuck": "no answer within 0.3 s"}
    assert time.monotonic() - started < 1.5


def test_the_api_s_metrics_hold_its_requests_the_process_and_the_tower_s_views(tmp_path: Path) -> None:
    backbone = EmbeddedBackbone(embedded_settings(tmp_path))
    try:
        client = signed_in_api(backbone.intake, backbone.decision, lambda: backbone.tower)
        assert client.get("/v1/tower/workload").status_code == 200
        metrics = client.get("/metrics").text
    finally:
        backbone.close()
    route = 'backbone_http_request_seconds_count{method="GET",route="/v1/tower/workload",status="200"}'
    assert route in metrics
    assert "process_resident_memory_bytes" in metrics
    assert 'backbone_deadline_risk_cases{bucket="overdue"} 0.0' in metrics  # a view, read at the scrape
