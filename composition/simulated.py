"""The services a simulation drives, with the simulation's clock, in either mode.

Embedded: intake, decision and the tower in this process on SQLite (``EmbeddedBackbone``). Distributed:
intake's and decision's commands on PostgreSQL in this process, and decision's consumer of intake's
topic too, so that all of them run on the simulated clock; the two outbox relays, which need no clock,
run as processes of their own (``backbone run intake`` and ``backbone run decision-relay``, started and
stopped with the simulation), so that publishing uses the second core. The tower runs as its own process
(``backbone run tower``) and reads the topics as it always does. Do not run ``backbone run decision``
beside a distributed simulation: it would open cases on the wall clock.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from backbone.clock import ManualClock
from backbone.kafka_clients import make_consumer
from backbone.outbox import OutboxRelay
from backbone.runtime import runtime_for
from backbone.settings import Settings
from composition.embedded import EmbeddedBackbone
from composition.legacy_extract import import_legacy_extract
from composition.system import System
from simulation.legacy_share import CaseworkersDesk, LedgerDesk, LegacyDesk
from simulation.legacy_system.caseworkers import LegacyCaseworkers
from simulation.legacy_system.schema import ensure_legacy_database

CATCH_UP_SECONDS = 120.0
# In the data directory: the legacy system's nightly extracts as the embedded simulation writes them.
LEGACY_EXTRACTS_WRITTEN = "legacy_extracts_written"
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class SimulatedServices(Protocol):
    """Intake and decision on the simulation's clock; ``settle`` lets decision catch up with intake."""

    intake: Any
    decision: Any

    def settle(self, *, published: bool = False) -> None: ...

    def legacy_desk(self, seed: int, today: date) -> LegacyDesk:
        """Where the simulation's legacy share is worked (see ``simulation/legacy_share.py``)."""
        ...

    def close(self) -> None: ...


class EmbeddedServices:
    def __init__(self, settings: Settings, clock: ManualClock) -> None:
        self.backbone = EmbeddedBackbone(settings, clock=clock)
        self.intake, self.decision = self.backbone.intake, self.backbone.decision

    def settle(self, *, published: bool = False) -> None:
        self.backbone.settle()

    def legacy_desk(self, seed: int, today: date) -> LegacyDesk:
        """The legacy tables in memory, written out each night and imported as an extract."""
        system = self.backbone.system

        def import_night(folder: Path) -> None:
            import_legacy_extract(system, folder)

        extracts = system.settings.data_dir / LEGACY_EXTRACTS_WRITTEN
        return LedgerDesk(seed=seed, extracts=extracts, import_night=import_night)

    def close(self) -> None:
        self.backbone.close()


class DistributedServices:
    def __init__(self, settings: Settings, clock: ManualClock) -> None:
        self.system = System(settings, clock=clock)
        self.intake, self.decision = self.system.intake, self.system.decision
        # Positions only: the relays that publish are the processes below.
        self.intake_relay = self.system.relay("intake", producer=None)
        self.decision_relay = self.system.relay("decision", producer=None)
        self.relays = [_relay_process(settings, name) for name in ("intake", "decision-relay")]
        self.consumer = self.system.decision_consumer()
        self.probe = make_consumer(settings, group_id=None, client_id="simulator-offsets")
        self.partitions = settings.topic_partitions
        self.desks: list[CaseworkersDesk] = []

    def settle(self, *, published: bool = False) -> None:
        """Wait until intake's relay has published every event, let decision apply every one of them,
        and, if ``published``, wait until decision's relay has published all of its own."""
        self._published(self.intake_relay)
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while True:
            read = self.consumer.step(timeout=0.2)
            feed: Any = self.consumer.feed
            backlog = feed.backlog(self.probe)
            if not read and len(backlog) == self.partitions and not any(backlog.values()):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"decision did not catch up with intake's topic in {CATCH_UP_SECONDS:.0f} s "
                    f"(backlog per partition: {backlog})"
                )
        if published:
            self._published(self.decision_relay)

    def legacy_desk(self, seed: int, today: date) -> LegacyDesk:
        """Caseworkers on the real legacy database; ``backbone run legacy-bridge`` (not started here:
        it needs Kafka Connect) brings what they do to the backbone."""
        settings = self.system.settings
        ensure_legacy_database(settings)
        desk = CaseworkersDesk(LegacyCaseworkers.on_database(settings, seed=seed, today=today))
        self.desks.append(desk)
        return desk

    def _published(self, relay: OutboxRelay) -> None:
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while relay.backlog():
            for process in self.relays:
                if process.poll() is not None:
                    raise RuntimeError(f"a relay process ended with exit code {process.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{relay.topic}'s relay did not catch up in {CATCH_UP_SECONDS:.0f} s")
            time.sleep(0.02)

    def close(self) -> None:
        for process in self.relays:
            process.send_signal(signal.SIGTERM)
        for process in self.relays:
            process.wait(timeout=60)
        self.probe.close()
        for desk in self.desks:
            desk.close()
        self.system.close()


def _relay_process(settings: Settings, service: str) -> subprocess.Popen[bytes]:
    """``backbone run <service>`` with exactly these settings, logging to the data directory."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    environment = {**settings.over_environment(os.environ), "BACKBONE_LOG_FORMAT": "json"}
    command = [sys.executable, "-m", "composition.cli.main", "run", service, "--instance", "simulator"]
    with (settings.data_dir / f"simulation-{service}.log").open("ab") as log:
        return subprocess.Popen(
            command, env=environment, stdout=log, stderr=log, preexec_fn=terminate_with_parent
        )


def terminate_with_parent() -> None:
    """In the relay process, before it runs: SIGTERM when the simulator dies, even by SIGKILL (Linux's
    PR_SET_PDEATHSIG), so that no relay outlives its simulation and a resumed one does not find two."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def simulated_services(settings: Settings, clock: ManualClock) -> SimulatedServices:
    if runtime_for(settings).one_process:
        return EmbeddedServices(settings, clock)
    return DistributedServices(settings, clock)
