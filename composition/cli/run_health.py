"""A `backbone run` process's small HTTP port (``--health-port``): liveness; readiness, meaning its store
and its broker answer and its loop is not stuck (it went round within the last 30 s); and its metrics,
which, like the API's, need a bearer token with the operations role (Prometheus scrapes with a service
account's)."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from fastapi import FastAPI

from backbone.health import Check, health_router
from backbone.http_auth import install_token_checks
from backbone.http_metrics import metrics_router
from backbone.identity.verifier import TokenVerifier

STUCK_AFTER_SECONDS = 30.0


class LoopHealth:
    """What the loop reports (``beat`` each round) and the checks it registers once it has built them."""

    def __init__(self) -> None:
        self.checks: dict[str, Check] = {"loop": self._going_round}
        self._last_round: float | None = None

    def beat(self) -> None:
        self._last_round = time.monotonic()

    def add(self, name: str, check: Check) -> None:
        self.checks[name] = check

    def broker(self, bootstrap: str) -> None:
        """Ready only while a broker of ``bootstrap`` (host:port,...) accepts a connection."""

        def answers() -> None:
            for address in bootstrap.split(","):
                host, _, port = address.strip().rpartition(":")
                with socket.create_connection((host, int(port)), timeout=1.0):
                    return
            raise ConnectionError(f"no Kafka broker answers at {bootstrap}")

        self.add("broker", answers)

    def _going_round(self) -> None:
        if self._last_round is None:
            raise RuntimeError("starting: the loop has not gone round yet")
        idle = time.monotonic() - self._last_round
        if idle > STUCK_AFTER_SECONDS:
            raise RuntimeError(f"stuck: the loop last went round {idle:.0f} s ago")

    def serve(self, host: str, port: int, verifier: TokenVerifier) -> None:
        """Answer ``/health/live`` and ``/health/ready`` on ``host:port`` from a thread of its own, and
        ``/metrics`` to a caller whose token ``verifier`` accepts with the role that may read them."""
        app = FastAPI(title="backbone run: health", openapi_url=None, docs_url=None, redoc_url=None)
        install_token_checks(app, verifier)
        app.include_router(health_router(self.checks))
        app.include_router(metrics_router())

        config = uvicorn.Config(
            app, host=host, port=port, log_config=None, log_level=None, access_log=False
        )
        server = uvicorn.Server(config)
        threading.Thread(target=server.run, name="health", daemon=True).start()
