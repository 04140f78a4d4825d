"""Steady load through the HTTP API: applications submitted and accepted at a fixed rate, each request
sent again with the same ``Idempotency-Key`` after a connection error, a timeout or a 5xx answer, until
it gets an answer or its deadline passes. Every request that got a success answer is recorded."""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

REQUEST_TIMEOUT = 10.0
FIRST_BACKOFF, LAST_BACKOFF = 0.2, 2.0


@dataclass
class Outcome:
    index: int
    application_id: str | None = None
    accepted_at: float | None = None  # monotonic time of the acceptance's success answer
    attempts: int = 0
    retried_errors: list[str] = field(default_factory=list)  # answered later by a retry
    error: str | None = None  # what was left after the retries (an HTTP error)


class LoadDriver:
    def __init__(
        self,
        base_url: str,
        run: str,
        *,
        rate: float,
        seed: int,
        authorization: Callable[[], dict[str, str]],
        deadline: float = 120.0,
    ) -> None:
        self.base_url = base_url
        self.authorization = authorization  # the Authorization header of a valid token, renewed when due
        self.run = run  # idempotency keys are unique to the run
        self.rate = rate
        self.deadline = deadline
        self.rng = random.Random(seed)
        self.outcomes: list[Outcome] = []
        self.started_at = 0.0
        self.finished_at = 0.0
        self._lock = threading.Lock()

    def drive(self, applications: int, stop: threading.Event) -> None:
        """Send ``applications`` at ``rate`` per second (unless ``stop``); returns once all answered."""
        self.started_at = time.monotonic()
        with ThreadPoolExecutor(max_workers=16, thread_name_prefix="load") as pool:
            for index in range(applications):
                due = self.started_at + index / self.rate
                if stop.wait(max(0.0, due - time.monotonic())):
                    break
                outcome = Outcome(index)
                self.outcomes.append(outcome)
                pool.submit(self.send, outcome, self.body())
        self.finished_at = time.monotonic()

    def body(self) -> dict[str, Any]:
        return {
            "procedure": "family",
            "channel": "online",
            "received_on": str(date.today() - timedelta(days=self.rng.randrange(0, 30))),
            "applicant_ref": f"P-{self.rng.getrandbits(64):016x}",
            "nationality": self.rng.choice(["SYR", "ERI", "TUR", "MAR", "IND"]),
        }

    def send(self, outcome: Outcome, body: dict[str, Any]) -> None:
        try:
            submitted = self._post("/v1/applications", body, f"{self.run}-submit-{outcome.index}", outcome)
            outcome.application_id = submitted["application_id"]
            path = f"/v1/applications/{outcome.application_id}/acceptances"
            self._post(path, None, f"{self.run}-accept-{outcome.index}", outcome)
            outcome.accepted_at = time.monotonic()
        except RequestFailed as failure:
            outcome.error = str(failure)

    def _post(self, path: str, body: Any, key: str, outcome: Outcome) -> Any:
        data = json.dumps(body).encode() if body is not None else b""
        give_up = time.monotonic() + self.deadline
        backoff = FIRST_BACKOFF
        while True:
            outcome.attempts += 1
            request = urllib.request.Request(
                self.base_url + path,
                data=data,
                method="POST",
                headers={"Content-Type": "application/json", "Idempotency-Key": key} | self.authorization(),
            )
            try:
                with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as error:
                if error.code < 500:
                    raise RequestFailed(f"{path}: {error.code} {error.read()[:300]!r}") from error
                problem = f"{error.code}"
            except (OSError, TimeoutError) as error:  # refused, reset, timed out (URLError is one)
                problem = type(getattr(error, "reason", error)).__name__
            outcome.retried_errors.append(problem)
            if time.monotonic() + backoff > give_up:
                raise RequestFailed(f"{path}: still {problem} after {self.deadline:.0f} s")
            time.sleep(backoff)
            backoff = min(LAST_BACKOFF, backoff * 2)


class RequestFailed(Exception):
    """A request with no success answer within its deadline, or refused (4xx)."""
