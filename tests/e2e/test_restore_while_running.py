"""The database restored from a backup under running processes (issue 14): `backbone serve`, `backbone
run intake` and `backbone run decision` keep running while PostgreSQL gets an older dump back. Each
finds its store behind its topic and says so: the API answers 503 ``store_behind_topic`` and records
nothing, every process reports not ready naming the store, and the relays publish nothing. Restarted,
as the runbook says after restoring a dump, they find the same. Once `backbone recover` has run for
both services, they go on by themselves, and the applications accepted afterwards become cases."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from backbone.settings import Settings
from tests.conftest import KEYCLOAK_ISSUER, topics_of_its_own
from tests.e2e.served_tower import free_port
from tests.e2e.test_http_api import body
from tests.e2e.test_restore_from_backup import backbone, dump, restore
from tests.keycloak_tokens import service_account

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.keycloak]
WAIT_SECONDS = 60.0
ISSUER = os.environ.get("BACKBONE_OIDC_ISSUER", KEYCLOAK_ISSUER).rstrip("/")
STORES = ("intake", "decision")


def call(method: str, url: str, payload: Any = None) -> tuple[int, Any]:
    """A request of the intake-batch service account (intake-officer: submits, accepts, reads cases)."""
    data = json.dumps(payload).encode() if payload is not None else None
    headers = {"Content-Type": "application/json"}
    if not url.endswith(("/health/ready", "/health/live")):
        headers |= service_account(ISSUER, "intake-batch").authorization()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def until(what: str, check: Any) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            if result := check():
                return result
        except (OSError, ValueError):
            pass  # not up yet
        time.sleep(0.2)
    raise AssertionError(f"not within {WAIT_SECONDS:.0f} s: {what}")


class Supervised:
    def __init__(self, ports: dict[str, int], running: dict[str, subprocess.Popen[bytes]]) -> None:
        self.ports = ports
        self._running = running

    def restart(self) -> None:
        """Stop each process; its supervisor starts it again."""
        for process in list(self._running.values()):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


@contextmanager
def processes(settings: Settings, logs: Path) -> Iterator[Supervised]:
    """The three processes, each restarted when it exits, as a supervisor (systemd) would."""
    environment = {**os.environ, **settings.as_environment(), "BACKBONE_LOG_FORMAT": "json"}
    ports = {name: free_port() for name in ("serve", "intake", "decision")}
    commands = {
        "serve": ["serve", "--port", str(ports["serve"])],
        "intake": ["run", "intake", "--health-port", str(ports["intake"])],
        "decision": ["run", "decision", "--health-port", str(ports["decision"])],
    }

    def start(name: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "composition.cli.main", *commands[name]],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=(logs / f"{name}.log").open("a"),
        )

    running = {name: start(name) for name in commands}
    stopping = threading.Event()

    def supervise() -> None:
        while not stopping.wait(0.2):
            for name, process in running.items():
                if process.poll() is not None:
                    running[name] = start(name)

    supervisor = threading.Thread(target=supervise, daemon=True)
    supervisor.start()
    try:
        yield Supervised(ports, running)
    finally:
        stopping.set()
        supervisor.join()
        for process in running.values():
            process.send_signal(signal.SIGTERM)
        for process in running.values():
            process.wait(timeout=60)


def accept(api: str, how_many: int) -> list[str]:
    accepted = []
    for _ in range(how_many):
        status, created = call("POST", f"{api}/v1/applications", body())
        assert status == 201, created
        status, done = call("POST", f"{api}/v1/applications/{created['application_id']}/acceptances")
        assert status == 200, done
        accepted.append(created["application_id"])
    return accepted


def all_cases(api: str, applications: list[str]) -> bool:
    return all(call("GET", f"{api}/v1/cases/{a}")[0] == 200 for a in applications)


def ready(port: int) -> tuple[int, Any]:
    return call("GET", f"http://127.0.0.1:{port}/health/ready")


def behind(port: int) -> bool:
    status, report = ready(port)
    levels = {name: said for name, said in report["checks"].items() if name.endswith("_level_with_topic")}
    return status == 503 and bool(levels) and all("is behind its topic" in said for said in levels.values())


def test_running_processes_refuse_a_restored_store_and_go_on_once_it_is_recovered(
    postgres_settings: Settings, kafka_available: str, keycloak_issuer: str, tmp_path: Path
) -> None:
    own = postgres_settings.with_overrides(data_dir=tmp_path, oidc_issuer=keycloak_issuer)
    with (
        topics_of_its_own(own, 3, "restore-run") as settings,
        processes(settings, tmp_path) as supervised,
    ):  # the processes stop before the topics go
        ports = supervised.ports
        api = f"http://127.0.0.1:{ports['serve']}"
        until("every process ready", lambda: all(ready(port)[0] == 200 for port in ports.values()))
        first = accept(api, 10)
        until("the first cases", lambda: all_cases(api, first))
        dump(settings, STORES, tmp_path / "backup.dump")
        second = accept(api, 10)
        until("the second cases", lambda: all_cases(api, second))

        restore(settings, STORES, tmp_path / "backup.dump")

        for name, port in ports.items():  # the API learns the tails every 5 s: give it that long
            until(f"{name} not ready, every store it writes behind", lambda port=port: behind(port))
        status, refused = call("POST", f"{api}/v1/applications", body())
        assert status == 503 and refused["code"] == "store_behind_topic", refused
        assert "backbone recover" in refused["detail"]
        # The runbook's next step after restoring a dump: restart the processes (pg_restore made the
        # stores' types anew, and their connections know the old ones). Started, they refuse as well.
        supervised.restart()
        for name, port in ports.items():
            until(f"{name} started again, not ready", lambda port=port: ready(port)[0] == 503)
        for service in STORES:
            recovered = backbone(settings, "recover", service, "--json")
            assert recovered.returncode == 0, recovered.stderr
            assert json.loads(recovered.stdout)["recovered"] > 0

        until("every process ready again", lambda: all(ready(port)[0] == 200 for port in ports.values()))
        third = accept(api, 10)
        until("every application a case", lambda: all_cases(api, [*first, *second, *third]))
        for loop in ("intake", "decision"):
            assert '"store_behind_topic"' in (tmp_path / f"{loop}.log").read_text(), loop
        audit = backbone(settings, "audit", "verify", "--json")
        assert audit.returncode == 0, audit.stdout[-2000:] + audit.stderr[-2000:]
