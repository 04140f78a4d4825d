"""A PostgreSQL server and a Kafka broker of the fault suite's own, started with the project's scripts
(``infra/postgres/postgres.sh``, ``infra/kafka/kafka.sh``) on ports and state directories it is given,
and the faults done to them: PostgreSQL stopped in immediate mode and started again, the broker
SIGKILLed and started again, and the broker frozen (SIGSTOP ... SIGCONT).

Freezing stands in for blocking the broker's port: this machine has neither ``iptables`` nor ``nft``.
To its clients a frozen broker is a port that accepts nothing and answers nothing, as a dropped
packet would be; only the kernel's TCP handshake (the listen backlog) still completes.
"""

from __future__ import annotations

import glob
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POSTGRES_SCRIPT = REPO / "infra" / "postgres" / "postgres.sh"
KAFKA_SCRIPT = REPO / "infra" / "kafka" / "kafka.sh"
POSTGRES_BINARIES = "/usr/lib/postgresql/*/bin/postgres"


class InfraError(RuntimeError):
    """A script failed, or a server did not come back."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def missing_infra(kafka_libs: Path) -> list[str]:
    """What this machine lacks to run the suite's own servers (nothing: an empty list)."""
    missing = []
    if not glob.glob(str(kafka_libs / "kafka_2.13-*.jar")):
        missing.append(f"no Kafka jars in {kafka_libs} (infra/kafka/kafka.sh fetch)")
    if not glob.glob(POSTGRES_BINARIES):
        missing.append(f"no PostgreSQL server binaries match {POSTGRES_BINARIES}")
    return missing


@dataclass
class PrivatePostgres:
    port: int
    state_dir: Path  # must not exist yet, or be reachable by the server's OS user
    failed_starts: list[str] = field(default_factory=list)  # after a fault, tried again

    def _script(self, command: str, timeout: float = 120) -> None:
        environment = {**os.environ, "PG_PORT": str(self.port), "PG_STATE_DIR": str(self.state_dir)}
        done = subprocess.run(
            [str(POSTGRES_SCRIPT), command],
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise InfraError(f"postgres.sh {command}: {done.stderr[-2000:]}")

    def start(self) -> None:
        self._script("start")

    def stop(self) -> None:
        self._script("stop")

    def restart_immediately(self) -> float:
        """Stop in immediate mode (SIGQUIT to the postmaster: no checkpoint, every backend cut off,
        crash recovery at the next start), then start; the seconds it was away."""
        started = time.monotonic()
        pid_file = self.state_dir / "data" / "postmaster.pid"
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, signal.SIGQUIT)
        _wait_gone(pid, 30)
        _start_again(self.start, self.failed_starts)
        return round(time.monotonic() - started, 2)


@dataclass
class PrivateKafka:
    port: int
    controller_port: int
    state_dir: Path
    libs_dir: Path
    failed_starts: list[str] = field(default_factory=list)  # after a fault, tried again

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _script(self, command: str, timeout: float = 180) -> None:
        environment = {
            **os.environ,
            "KAFKA_PORT": str(self.port),
            "KAFKA_CONTROLLER_PORT": str(self.controller_port),
            "KAFKA_STATE_DIR": str(self.state_dir),
            "KAFKA_LIBS_DIR": str(self.libs_dir),
            "KAFKA_OPTS": "-XX:TieredStopAtLevel=1",  # starts about a second sooner
        }
        done = subprocess.run(
            [str(KAFKA_SCRIPT), command], env=environment, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise InfraError(f"kafka.sh {command}: {done.stdout[-1000:]} {done.stderr[-2000:]}")

    def start(self) -> None:
        self._script("start")

    def stop(self) -> None:
        self._script("stop")

    def pid(self) -> int:
        return int((self.state_dir / "kafka.pid").read_text().strip())

    def kill_and_restart(self) -> float:
        """SIGKILL the broker's JVM, then start it again; the seconds it was away."""
        started = time.monotonic()
        pid = self.pid()
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 30)
        # A JVM's main thread shows as a zombie while its other threads still hold the listening
        # sockets, and kafka.sh refuses to start on a port that answers.
        for port in (self.port, self.controller_port):
            _wait_closed(port, 30)
        _start_again(self.start, self.failed_starts)
        return round(time.monotonic() - started, 2)

    def freeze(self, seconds: float) -> float:
        """Stop the broker's JVM for ``seconds`` (SIGSTOP), then let it go on (SIGCONT)."""
        pid = self.pid()
        os.kill(pid, signal.SIGSTOP)
        try:
            time.sleep(seconds)
        finally:
            os.kill(pid, signal.SIGCONT)
        return seconds


def _start_again(start: Callable[[], None], failed: list[str], attempts: int = 3) -> None:
    """As an operator (or systemd) would: a failed start is tried again a second later (and noted)."""
    for attempt in range(attempts):
        try:
            start()
            return
        except InfraError as error:
            failed.append(str(error)[-500:])
            if attempt == attempts - 1:
                raise
            time.sleep(1)


def _wait_closed(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return
        time.sleep(0.05)
    raise InfraError(f"port {port} still answers after {seconds:.0f} s")


def _wait_gone(pid: int, seconds: float) -> None:
    """Until ``pid`` is gone or a zombie (the servers are daemons, not our children to reap)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return
        if state == "Z":
            return
        time.sleep(0.05)
    raise InfraError(f"process {pid} still there after {seconds:.0f} s")
