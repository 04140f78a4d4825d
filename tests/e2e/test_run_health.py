"""Every `backbone run` process answers on its health port: live while it runs; ready once its store and
the broker answer and its loop goes round; its metrics (published, consumed, the process) to a caller
with the operations role only (Prometheus scrapes with a service account's token from Keycloak); not
ready, naming the store, when the store stops answering (here its PostgreSQL schema is dropped under
it)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

import psycopg
import pytest

from backbone.runtime import postgres_dsn
from backbone.settings import Settings
from composition.system import System
from services.intake.application.commands import AcceptApplication
from tests.conftest import KEYCLOAK_ISSUER
from tests.e2e.served_tower import free_port
from tests.factories import a_submission
from tests.keycloak_tokens import service_account

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.keycloak]
ISSUER = os.environ.get("BACKBONE_OIDC_ISSUER", KEYCLOAK_ISSUER).rstrip("/")
SERVICES = {"intake": "intake_store", "decision": "decision_store", "tower": "tower_views"}


def _health(port: int, path: str, token: str | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return 0, None  # not listening yet


def _until(port: int, path: str, status: int, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answered, body = _health(port, path)
        if answered == status:
            return body
        time.sleep(0.2)
    raise AssertionError(f"{path} on {port} did not answer {status}: last {answered} {body}")


def _metric(port: int, prefix: str, at_least: float, seconds: float = 30) -> float:
    """The sum of the samples whose line starts with ``prefix``, once it reaches ``at_least``; read as
    Prometheus would, with the ``tower-reader`` service account's token (role operations)."""
    deadline = time.monotonic() + seconds
    total = 0.0
    while time.monotonic() < deadline:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics")
        request.add_header("Authorization", f"Bearer {service_account(ISSUER, 'tower-reader').token()}")
        with urllib.request.urlopen(request, timeout=5) as response:
            lines = response.read().decode().splitlines()
        total = sum(float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith(prefix))
        if total >= at_least:
            return total
        time.sleep(0.2)
    raise AssertionError(f"{prefix} on {port}: {total}, not {at_least}")


def test_every_run_process_is_live_and_ready_and_names_a_store_that_stops_answering(
    postgres_settings: Settings, kafka_settings: Settings, keycloak_issuer: str
) -> None:
    settings = postgres_settings.with_overrides(
        topic_prefix=kafka_settings.topic_prefix,
        topic_partitions=kafka_settings.topic_partitions,
        oidc_issuer=keycloak_issuer,
    )
    environment = {**os.environ, **settings.as_environment(), "BACKBONE_LOG_FORMAT": "json"}
    ports = {service: free_port() for service in SERVICES}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "composition.cli.main", "run", service, "--health-port", str(port)],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for service, port in ports.items()
    ]
    try:
        for service, port in ports.items():
            ready = _until(port, "/health/ready", 200)
            level = {f"{service}_store_level_with_topic": "ok"} if service != "tower" else {}
            assert ready["checks"] == {"loop": "ok", SERVICES[service]: "ok", "broker": "ok", **level}
            assert _health(port, "/health/live") == (200, {"status": "live"})
        system = System(settings)
        application_id = system.intake.submit_application(a_submission())
        system.intake.execute(application_id, AcceptApplication())
        system.close()
        published = _metric(ports["intake"], "backbone_events_published_total", 2)
        assert published == 2  # submitted and accepted, each acknowledged by the broker
        assert _metric(ports["decision"], 'backbone_events_consumed_total{processor="decision"', 1) >= 1
        assert _metric(ports["tower"], 'backbone_events_consumed_total{processor="control_tower"', 3) >= 3
        assert _metric(ports["decision"], "process_resident_memory_bytes", 1) > 0
        # Health is open; the metrics are not (they show what operations may see).
        assert _health(ports["intake"], "/metrics")[0] == 401
        intake_officer = service_account(ISSUER, "intake-batch").token()
        refused = _health(ports["intake"], "/metrics", intake_officer)
        assert refused[0] == 403 and refused[1]["code"] == "missing_role"
        with psycopg.connect(postgres_dsn(settings), autocommit=True) as connection:
            connection.execute("DROP SCHEMA decision CASCADE")
        refused = _until(ports["decision"], "/health/ready", 503)
        assert "decision_events" in refused["checks"]["decision_store"]
        assert refused["checks"]["loop"] == "ok" and refused["checks"]["broker"] == "ok"
        assert _health(ports["intake"], "/health/ready")[0] == 200
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
