"""A small client for Kafka Connect's REST API: put a connector's configuration, wait until it
runs, read its state, delete it. No connection is made before the first call."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from backbone.errors import BackboneError


class KafkaConnectError(BackboneError):
    """Kafka Connect did not answer, refused a request, or a connector did not reach RUNNING."""


@dataclass(frozen=True)
class ConnectorState:
    """A connector's state and its tasks' states (``RUNNING``, ``FAILED``, ``PAUSED``, ...)."""

    name: str
    state: str
    tasks: tuple[str, ...]
    trace: str = ""

    @property
    def running(self) -> bool:
        return self.state == "RUNNING" and bool(self.tasks) and all(t == "RUNNING" for t in self.tasks)

    @property
    def failed(self) -> bool:
        return self.state == "FAILED" or "FAILED" in self.tasks


class KafkaConnect:
    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        self._url = url.rstrip("/")
        self._timeout = timeout

    def _request(self, method: str, path: str, json: Any = None) -> httpx.Response:
        try:
            response = httpx.request(method, f"{self._url}{path}", json=json, timeout=self._timeout)
        except httpx.HTTPError as error:
            raise KafkaConnectError(f"Kafka Connect at {self._url} does not answer: {error}") from error
        if response.status_code >= 400 and response.status_code != 404:
            raise KafkaConnectError(
                f"{method} {path}: Kafka Connect answered {response.status_code}: {response.text[:500]}"
            )
        return response

    def version(self) -> str:
        return str(self._request("GET", "/").json()["version"])

    def put_config(self, name: str, config: Mapping[str, str]) -> None:
        """Create the connector, or change its configuration (the worker restarts it)."""
        self._request("PUT", f"/connectors/{name}/config", json=dict(config))

    def config(self, name: str) -> dict[str, str] | None:
        """The connector's configuration as the worker shows it to anyone who asks, or None."""
        response = self._request("GET", f"/connectors/{name}/config")
        return None if response.status_code == 404 else dict(response.json())

    def state(self, name: str) -> ConnectorState | None:
        """The connector's state, or None when there is no such connector."""
        response = self._request("GET", f"/connectors/{name}/status")
        if response.status_code == 404:
            return None
        body = response.json()
        tasks = body.get("tasks", [])
        return ConnectorState(
            name=name,
            state=body["connector"]["state"],
            tasks=tuple(t["state"] for t in tasks),
            trace=next((t.get("trace", "") for t in tasks if t["state"] == "FAILED"), ""),
        )

    def wait_running(self, name: str, timeout: float = 60.0) -> ConnectorState:
        """Wait until the connector and all its tasks run; fail at once when one has failed."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.state(name)
            if state is not None and state.running:
                return state
            if state is not None and state.failed:
                raise KafkaConnectError(f"connector {name} failed: {state.trace[:2000]}")
            if time.monotonic() > deadline:
                raise KafkaConnectError(f"connector {name} is not running after {timeout:.0f} s: {state}")
            time.sleep(0.2)

    def delete(self, name: str) -> None:
        """Delete the connector (idempotent). Its replication slot stays in the database."""
        self._request("DELETE", f"/connectors/{name}")
