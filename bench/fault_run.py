"""One run of the fault suite (``bench/faults.py``): its own servers and processes, the load, the
faults, the checks once settled, and the report."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from tempfile import mkdtemp
from types import TracebackType
from typing import Any

from backbone.identity.client_credentials import ClientCredentials
from backbone.settings import Settings
from bench.fault_checks import audit_verify, store_checks, tower_equals_rebuild, wait_until_settled
from bench.fault_infra import PrivateKafka, PrivatePostgres, free_port
from bench.fault_load import LoadDriver, Outcome
from bench.fault_plan import FaultInjector, plan
from bench.fault_report import report
from bench.fault_supervisor import Supervisor
from bench.fault_watch import CaseWatcher
from composition.system import System

SETTLE_SECONDS = 300.0


@dataclass(frozen=True)
class RunConfig:
    applications: int
    duration: float
    rounds: int
    seed: int
    block_seconds: float
    kafka_libs: Path
    partitions: int = 3
    run_dir: Path | None = None
    postgres_port: int | None = None
    kafka_port: int | None = None
    kafka_controller_port: int | None = None
    postgres_state_dir: Path | None = None  # default: pg/ in the run directory
    kafka_state_dir: Path | None = None  # default: kafka/ in the run directory
    keep_servers: bool = False  # leave them running afterwards
    # The API accepts the infra's Keycloak's tokens; the load sends as the intake-batch service account.
    oidc_issuer: str = os.environ.get("BACKBONE_OIDC_ISSUER", "http://127.0.0.1:8180/realms/ind")
    load_client: tuple[str, str] = (
        "intake-batch",
        "intake-batch-dev-secret",
    )  # realm-ind.json's dev secret


class FaultRun:
    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.run_dir = config.run_dir or Path(mkdtemp(prefix="faults-", dir="/tmp"))
        self.run_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.run_dir, 0o755)  # PostgreSQL's OS user must reach its state directory
        self.postgres = PrivatePostgres(
            config.postgres_port or free_port(), config.postgres_state_dir or self.run_dir / "pg"
        )
        self.kafka = PrivateKafka(
            config.kafka_port or free_port(),
            config.kafka_controller_port or free_port(),
            config.kafka_state_dir or self.run_dir / "kafka",
            config.kafka_libs,
        )
        self.api_port = free_port()
        self.run_id = uuid.uuid4().hex[:8]
        self.settings = Settings(
            mode="distributed",
            data_dir=self.run_dir / "data",
            postgres_port=self.postgres.port,
            kafka_bootstrap=self.kafka.bootstrap,
            topic_prefix=f"faults-{self.run_id}.",
            topic_partitions=config.partitions,
            log_format="json",
            oidc_issuer=config.oidc_issuer,
        )
        self.environment = {**os.environ, **self.settings.as_environment()}
        self.supervisor = Supervisor(self.environment, self.run_dir)
        self.durations: dict[str, float] = {}

    def __enter__(self) -> FaultRun:
        started = time.monotonic()
        self.postgres.start()
        self.kafka.start()
        created = subprocess.run(
            [sys.executable, "-m", "composition.cli.main", "topics", "create"],
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if created.returncode != 0:
            raise RuntimeError(f"backbone topics create: {created.stderr[-2000:]}")
        self.durations["infrastructure_start"] = round(time.monotonic() - started, 2)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.supervisor.stop()
        if self.config.keep_servers:
            return
        for server in (self.kafka, self.postgres):
            try:
                server.stop()
            except Exception as problem:  # stop the other one all the same
                print(f"could not stop {type(server).__name__}: {problem}", file=sys.stderr)

    def report(self) -> dict[str, Any]:
        config = self.config
        started = time.monotonic()
        self.supervisor.add("api", "serve", "--port", str(self.api_port))
        self.supervisor.add("intake", "run", "intake", "--instance", "1")
        self.supervisor.add("decision", "run", "decision", "--instance", "1")
        self.supervisor.add("tower", "run", "tower", "--instance", "1")
        self.supervisor.start()
        watcher = CaseWatcher(self.settings)
        watcher.start()
        driver = LoadDriver(
            f"http://127.0.0.1:{self.api_port}",
            self.run_id,
            rate=config.applications / config.duration,
            seed=config.seed,
            authorization=ClientCredentials(config.oidc_issuer, *config.load_client).authorization,
        )
        self._warm_up(driver, watcher)
        self.durations["processes_start"] = round(time.monotonic() - started, 2)

        faults = plan(config.seed, config.rounds, config.duration, config.block_seconds)
        injector = FaultInjector(
            faults, self.supervisor, self.kafka, self.postgres, self.settings, self.run_dir
        )
        load_started = time.monotonic()
        injector.start(load_started)
        driver.drive(config.applications, threading.Event())
        injector.thread.join()
        self.durations["load_and_faults"] = round(time.monotonic() - load_started, 2)

        system = System(self.settings)
        accepted = {o.application_id for o in driver.outcomes if o.accepted_at and o.application_id}
        settle = SETTLE_SECONDS if injector.error is None else 30.0  # failed anyway: report soon
        self.durations["settling"] = wait_until_settled(system, accepted, settle)
        watcher.stop()
        checked = time.monotonic()
        stores = store_checks(system, driver.outcomes)
        rebuild = tower_equals_rebuild(self.settings, self.environment)
        audit = audit_verify(self.environment)
        system.close()
        self.durations["checks"] = round(time.monotonic() - checked, 2)
        self.durations["total"] = round(time.monotonic() - started, 2)
        return report(
            config=config,
            driver=driver,
            watcher=watcher,
            injector=injector,
            supervisor=self.supervisor,
            stores=stores,
            rebuild=rebuild,
            audit=audit,
            durations=self.durations,
            run_dir=self.run_dir,
        )

    def _warm_up(self, driver: LoadDriver, watcher: CaseWatcher) -> None:
        """One application through the whole way before the load: the stalls are the faults', not
        the start's."""
        outcome = Outcome(-1)
        driver.send(outcome, {**driver.body(), "nationality": "SYR"})
        if outcome.error or outcome.application_id is None:
            raise RuntimeError(f"the warm-up application failed: {outcome.error}")
        deadline = time.monotonic() + 120
        while outcome.application_id not in watcher.opened_at:
            if time.monotonic() > deadline:
                raise RuntimeError("the warm-up application never became a case")
            time.sleep(0.1)
