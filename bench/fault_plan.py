"""The seeded schedule of faults and the thread that carries it out while the load runs.

Each round has: SIGKILL of intake's relay, of decision (twice), of the tower's process (twice), of the
API, of a ``backbone tower rebuild`` at a random point of its run; the broker SIGKILLed and started
again; PostgreSQL stopped in immediate mode and started again; the broker frozen for some seconds. The
faults fall at random times of the load's middle, one at a time, in a random order.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backbone.settings import Settings
from bench.fault_infra import PrivateKafka, PrivatePostgres
from bench.fault_supervisor import Supervisor
from services.control_tower.adapters.generations import ViewGenerations

PROCESS_KILLS = {"intake": 1, "decision": 2, "tower": 2, "api": 1}
INFRA_FAULTS = ("rebuild", "broker_restart", "postgres_restart", "broker_block")


@dataclass(frozen=True)
class Fault:
    at: float  # seconds after the load started
    kind: str  # a process name of PROCESS_KILLS, or one of INFRA_FAULTS
    restart_after: float = 0.0  # a killed process: the supervisor's delay
    seconds: float = 0.0  # broker_block: how long; rebuild: how long it builds before the kill


def plan(seed: int, rounds: int, duration: float, block_seconds: float) -> list[Fault]:
    rng = random.Random(seed)
    kinds = [kind for kind, times in PROCESS_KILLS.items() for _ in range(times)] + list(INFRA_FAULTS)
    faults = []
    for _ in range(rounds):
        for kind in kinds:
            faults.append(
                Fault(
                    at=round(rng.uniform(0.05, 0.75) * duration, 2),
                    kind=kind,
                    restart_after=rng.choice([0.0, 0.5]),
                    seconds=block_seconds if kind == "broker_block" else round(rng.uniform(0, 0.5), 2),
                )
            )
    return sorted(faults, key=lambda fault: fault.at)


@dataclass
class FaultLog:
    done: Counter[str] = field(default_factory=Counter)
    rebuilds_finished_first: int = 0  # the rebuild swapped in before its kill came
    rebuild_phases: Counter[str] = field(default_factory=Counter)  # its generation's state at the kill
    broker_away_seconds: list[float] = field(default_factory=list)
    postgres_away_seconds: list[float] = field(default_factory=list)
    blocked_seconds: float = 0.0
    timeline: list[dict[str, Any]] = field(default_factory=list)


class FaultInjector:
    def __init__(
        self,
        faults: list[Fault],
        supervisor: Supervisor,
        kafka: PrivateKafka,
        postgres: PrivatePostgres,
        settings: Settings,
        run_dir: Path,
    ) -> None:
        self.faults = faults
        self.supervisor = supervisor
        self.kafka = kafka
        self.postgres = postgres
        self.settings = settings
        self.environment = {**os.environ, **settings.as_environment()}
        self.run_dir = run_dir
        self.log = FaultLog()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="faults", daemon=True)

    def start(self, load_started: float) -> None:
        self._load_started = load_started
        self.thread.start()

    def _run(self) -> None:
        try:
            for fault in self.faults:
                wait = self._load_started + fault.at - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                began = time.monotonic()
                detail = self._inject(fault)
                self.log.done[fault.kind] += 1
                self.log.timeline.append(
                    {
                        "kind": fault.kind,
                        "at": round(began - self._load_started, 2),
                        "took": round(time.monotonic() - began, 2),
                        **detail,
                    }
                )
        except BaseException as error:  # reported by the run, which fails
            self.error = error
            print(f"fault injection stopped: {error!r}", file=sys.stderr, flush=True)

    def _inject(self, fault: Fault) -> dict[str, Any]:
        if fault.kind in PROCESS_KILLS:
            deadline = time.monotonic() + 60
            while not self.supervisor.kill(fault.kind, fault.restart_after):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{fault.kind} never ran long enough to be killed")
                time.sleep(0.2)  # dead already (a crash of its own): kill the next one
            return {"restart_after": fault.restart_after}
        if fault.kind == "rebuild":
            return self._kill_a_rebuild(fault.seconds)
        if fault.kind == "broker_restart":
            away = self.kafka.kill_and_restart()
            self.log.broker_away_seconds.append(away)
            return {"away_seconds": away}
        if fault.kind == "postgres_restart":
            away = self.postgres.restart_immediately()
            self.log.postgres_away_seconds.append(away)
            return {"away_seconds": away}
        self.log.blocked_seconds += self.kafka.freeze(fault.seconds)
        return {"seconds": fault.seconds}

    def _kill_a_rebuild(self, after: float) -> dict[str, Any]:
        """Start a rebuild and SIGKILL it ``after`` seconds after it registered its new generation; if
        it finished first, try again with half the time (a kill that came too late kills nothing)."""
        generations = ViewGenerations(self.settings)
        try:
            for attempt in range(4):
                known = max(generations.states(), default=0)
                log = (self.run_dir / "rebuild.log").open("ab")
                rebuild = subprocess.Popen(
                    [sys.executable, "-m", "composition.cli.main", "tower", "rebuild", "--json"],
                    env=self.environment,
                    stdout=log,
                    stderr=log,
                )
                log.close()
                deadline = time.monotonic() + 60
                while max(generations.states(), default=0) == known and rebuild.poll() is None:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.02)
                try:
                    rebuild.wait(timeout=after)
                except subprocess.TimeoutExpired:
                    rebuild.send_signal(signal.SIGKILL)
                    rebuild.wait()
                    phase = generations.states().get(known + 1, "not begun")
                    self.log.rebuild_phases[phase] += 1
                    return {"killed_after": after, "attempt": attempt + 1, "generation_was": phase}
                self.log.rebuilds_finished_first += 1
                after = after / 2
        finally:
            generations.close()
        raise RuntimeError("every rebuild finished before its kill")
