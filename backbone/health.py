"""Liveness and readiness for a process's HTTP port: live means the process answers; ready means each of
its dependencies (a store, a broker) answered a small question within a second or two. A check is a
function that returns when the dependency answers and raises when it does not."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as CheckTimedOut
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

Check = Callable[[], object]
CHECK_SECONDS = 2.0


def readiness(checks: Mapping[str, Check], timeout: float = CHECK_SECONDS) -> dict[str, str]:
    """Each check's outcome: "ok", or what went wrong (its error, or that it timed out)."""
    outcomes: dict[str, str] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, len(checks)), thread_name_prefix="readiness")
    futures = {name: pool.submit(check) for name, check in checks.items()}
    deadline = time.monotonic() + timeout
    for name, future in futures.items():
        try:
            future.result(timeout=max(0.0, deadline - time.monotonic()))
            outcomes[name] = "ok"
        except CheckTimedOut:
            outcomes[name] = f"no answer within {timeout:g} s"
        except Exception as error:  # any failure of the dependency makes the process not ready
            outcomes[name] = f"{type(error).__name__}: {error}"
    pool.shutdown(wait=False)  # a check that hangs is left to end on its own; the answer goes now
    return outcomes


def health_router(checks: Mapping[str, Check]) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/health/live", summary="The process answers (liveness)")
    def live() -> dict[str, str]:
        return {"status": "live"}

    @router.get(
        "/health/ready",
        summary="Every store (and broker) this process uses answers (readiness)",
        responses={503: {"description": "A dependency does not answer: named with what went wrong"}},
    )
    def ready() -> Any:
        outcomes = readiness(checks)
        ok = all(outcome == "ok" for outcome in outcomes.values())
        body = {"status": "ready" if ok else "not_ready", "checks": outcomes}
        return body if ok else JSONResponse(status_code=503, content=body)

    return router
