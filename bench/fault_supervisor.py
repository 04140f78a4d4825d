"""The backbone's processes under a supervisor that starts again any that dies, as systemd's
``Restart=always`` would: after a kill at once or after half a second (the schedule says which), after
a crash of its own (an unreachable store or broker) after half a second, and after a second once it
has crashed again within five seconds of starting. Every start, kill and crash is counted."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

CRASH_DELAY = 0.5
QUICK_CRASH_DELAY = 1.0
QUICK_CRASH_SECONDS = 5.0


@dataclass
class Supervised:
    name: str
    arguments: list[str]  # after ``backbone``
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restart_at: float | None = None  # when a dead process is to be started again
    exits: list[int] = field(default_factory=list)  # of every death: -9 a kill, 7 unavailable...


class Supervisor:
    def __init__(self, environment: dict[str, str], run_dir: Path) -> None:
        self.environment = environment
        self.run_dir = run_dir
        self.processes: dict[str, Supervised] = {}
        self.starts: Counter[str] = Counter()
        self.kills: Counter[str] = Counter()
        self.crashes: Counter[str] = Counter()  # deaths nobody asked for (restarted too)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def add(self, name: str, *arguments: str) -> None:
        with self._lock:
            self.processes[name] = Supervised(name, list(arguments))
            self._start(self.processes[name])

    def start(self) -> None:
        self._thread.start()

    def kill(self, name: str, restart_after: float) -> bool:
        """SIGKILL ``name``; the supervisor starts it again ``restart_after`` seconds later. False when
        it was not running (dead already, waiting for its restart)."""
        with self._lock:
            supervised = self.processes[name]
            process = supervised.process
            if process is None or process.poll() is not None:
                return False
            process.send_signal(signal.SIGKILL)
            process.wait()
            supervised.exits.append(process.returncode)
            supervised.process = None
            supervised.restart_at = time.monotonic() + restart_after
            self.kills[name] += 1
            return True

    def running(self, name: str) -> bool:
        process = self.processes[name].process
        return process is not None and process.poll() is None

    def stop(self) -> dict[str, int | None]:
        """SIGTERM every process (no restarts from now on); their exit codes."""
        self._stop.set()
        self._thread.join(timeout=10)
        codes: dict[str, int | None] = {}
        with self._lock:
            for supervised in self.processes.values():
                if supervised.process is not None and supervised.process.poll() is None:
                    supervised.process.send_signal(signal.SIGTERM)
            for name, supervised in self.processes.items():
                if supervised.process is None:
                    codes[name] = None
                    continue
                try:
                    codes[name] = supervised.process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    supervised.process.kill()
                    codes[name] = supervised.process.wait()
        return codes

    def _start(self, supervised: Supervised) -> None:
        log = (self.run_dir / f"{supervised.name}.log").open("ab")
        command = [sys.executable, "-m", "composition.cli.main", *supervised.arguments]
        supervised.process = subprocess.Popen(
            command, env=self.environment, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        supervised.started_at = time.monotonic()
        supervised.restart_at = None
        self.starts[supervised.name] += 1

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            with self._lock:
                now = time.monotonic()
                for supervised in self.processes.values():
                    process = supervised.process
                    if process is not None and process.poll() is not None:
                        self._crashed(supervised, process.returncode, now)
                    if supervised.restart_at is not None and now >= supervised.restart_at:
                        self._start(supervised)

    def _crashed(self, supervised: Supervised, code: int, now: float) -> None:
        supervised.exits.append(code)
        supervised.process = None
        self.crashes[supervised.name] += 1
        quick = now - supervised.started_at < QUICK_CRASH_SECONDS
        supervised.restart_at = now + (QUICK_CRASH_DELAY if quick else CRASH_DELAY)
