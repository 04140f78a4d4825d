"""How long a restarted consumer takes to work again, whatever killed its predecessor.

    python -m bench.consumer_restart [--kills 3] [--json PATH]

Needs Kafka and PostgreSQL (`make infra-up`). On a database and topics of its own (`bench/scratch.py`),
it runs `backbone run intake` (the relay) and `backbone run decision --instance 1`, accepts an
application and waits for its case. Then, each time: SIGKILL decision, start it again at once, accept
a new application and time until decision has opened its case ("resume"). Last, decision is killed
three times six seconds apart before one more application is timed. Reports every resume, in
seconds, and writes JSON with --json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import structlog

from backbone.errors import NotFound
from backbone.settings import Settings
from bench.scratch import scratch
from composition.system import System
from services.intake.application.commands import AcceptApplication, parse_submission

TIMEOUT_SECONDS = 120.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--kills", type=int, default=3, help="single kills, each timed (3)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    arguments = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    figures = measure(arguments.kills)
    print(json.dumps(figures, indent=2))
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=2) + "\n")


def measure(kills: int, base: Settings | None = None) -> dict[str, Any]:
    """The figures, on a database and topics of their own next to ``base``'s (default: the environment)."""
    with scratch(base) as settings:
        system = System(settings)
        environment = {**os.environ, **settings.as_environment(), "BACKBONE_LOG_FORMAT": "json"}
        relay = _run("intake", environment)
        decision = _run("decision", environment)
        try:
            first = _time_one_case(system)
            resumes = []
            for _ in range(kills):
                decision = _kill_and_restart(decision, environment)
                resumes.append(_time_one_case(system))
            for _ in range(2):  # three kills within about 12 s, then one timed case
                decision = _kill_and_restart(decision, environment)
                time.sleep(6)
            decision = _kill_and_restart(decision, environment)
            after_three = _time_one_case(system)
        finally:
            for process in (relay, decision):
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
            system.close()
    return {
        "first_case_seconds": first,
        "resume_seconds_after_one_kill": resumes,
        "resume_seconds_after_three_kills": after_three,
        "session_timeout_ms": settings.kafka_session_timeout_ms,
    }


def _run(service: str, environment: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "composition.cli.main", "run", service, "--instance", "1"]
    return subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_and_restart(
    process: subprocess.Popen[bytes], environment: dict[str, str]
) -> subprocess.Popen[bytes]:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return _run("decision", environment)


def _time_one_case(system: System) -> float:
    """Accept an application; the seconds until decision has opened its case."""
    submitted = parse_submission(
        {
            "procedure": "family",
            "channel": "online",
            "received_on": date.today(),
            "applicant_ref": f"P-{uuid.uuid4().hex[:16]}",
            "nationality": "SYR",
        }
    )
    application_id = system.intake.submit_application(submitted)
    started = time.monotonic()
    system.intake.execute(application_id, AcceptApplication())
    while time.monotonic() - started < TIMEOUT_SECONDS:
        try:
            system.decision.get_case(application_id)
            return round(time.monotonic() - started, 2)
        except NotFound:
            time.sleep(0.1)
    raise TimeoutError(f"no case for application {application_id} in {TIMEOUT_SECONDS:.0f} s")


if __name__ == "__main__":
    main()
