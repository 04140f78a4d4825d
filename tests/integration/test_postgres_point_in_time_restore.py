"""Point-in-time recovery, end to end, the way an operator does it (docs/backup-and-restore.md): on a
PostgreSQL cluster of its own, intake records applications, a base backup is taken, more are recorded,
the disk is lost, and ``infra/postgres/backup.sh`` brings back the backup and the archived WAL: to the
latest point (every application), then to a moment between two batches (the later batch gone)."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from uuid import UUID

import psycopg
import pytest

from backbone.errors import NotFound
from backbone.settings import Settings
from backbone.stores import postgres_dsn
from composition.system import System
from services.intake.application.commands import AcceptApplication, parse_submission
from tests.e2e.served_tower import free_port

pytestmark = pytest.mark.postgres
SCRIPTS = Path(__file__).resolve().parents[2] / "infra" / "postgres"
PER_BATCH = 4


@dataclass(frozen=True)
class Cluster:
    """A throwaway cluster that ``postgres.sh`` runs on its own port and state dir."""

    port: int
    state_dir: Path

    def run(self, script: str, *arguments: str) -> str:
        environment = {**os.environ, "PG_PORT": str(self.port), "PG_STATE_DIR": str(self.state_dir)}
        done = subprocess.run(
            [str(SCRIPTS / script), *arguments],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        print(done.stderr)  # what the scripts did and how long it took, shown when the test fails
        assert done.returncode == 0, f"{script} {' '.join(arguments)} failed:\n{done.stderr[-3000:]}"
        return done.stdout.strip()

    @property
    def settings(self) -> Settings:
        return Settings(mode="distributed", postgres_port=self.port, data_dir=self.state_dir / "backbone")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"):
        pytest.fail(
            "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin: infra/postgres/postgres.sh install"
        )
    # Under /tmp, not pytest's tmp_path: the server's OS user must reach it and the socket path be short.
    cluster = Cluster(free_port(), Path("/tmp") / f"pitr-{uuid.uuid4().hex[:8]}")
    try:
        cluster.run("postgres.sh", "start")
        yield cluster
    finally:
        cluster.run("postgres.sh", "reset")


def record_applications(settings: Settings) -> list[UUID]:
    """Submit and accept a batch of applications through intake's service."""
    system = System(settings)
    try:
        recorded = []
        for _ in range(PER_BATCH):
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
            system.intake.execute(application_id, AcceptApplication())
            recorded.append(application_id)
        return recorded
    finally:
        system.close()


def applications_found(settings: Settings, ids: list[UUID]) -> dict[UUID, str]:
    """Each application intake can read, with its status."""
    system = System(settings)
    try:
        found = {}
        for application_id in ids:
            try:
                found[application_id] = system.intake.get_application(application_id).status.value
            except NotFound:
                pass
        return found
    finally:
        system.close()


def server_time(settings: Settings) -> datetime:
    with psycopg.connect(postgres_dsn(settings)) as connection:
        row = connection.execute("SELECT clock_timestamp()").fetchone()
    assert row is not None
    moment: datetime = row[0]
    return moment


def lose_the_disk(cluster: Cluster) -> None:
    """The server dies at once (an immediate shutdown archives nothing more, unlike a clean stop, which
    closes the last WAL segment for the archive) and its data directory is gone."""
    data = cluster.state_dir / "data"
    postmaster = int((data / "postmaster.pid").read_text().splitlines()[0])
    os.kill(postmaster, signal.SIGQUIT)
    deadline = time.monotonic() + 30
    while (data / "postmaster.pid").exists():
        assert time.monotonic() < deadline, "the server did not stop after SIGQUIT"
        time.sleep(0.05)
    shutil.rmtree(data)


def test_a_lost_disk_is_restored_from_a_base_backup_and_the_wal_to_the_latest_point_or_a_chosen_time(
    cluster: Cluster,
) -> None:
    settings = cluster.settings
    first = record_applications(settings)
    backup = cluster.run("backup.sh", "backup")
    second = record_applications(settings)
    between = server_time(settings)
    third = record_applications(settings)
    # archive_timeout would archive the last segment within a minute; the test closes it at once.
    cluster.run("backup.sh", "switch-wal")
    lose_the_disk(cluster)

    cluster.run("backup.sh", "restore", backup)
    everything = first + second + third
    assert applications_found(settings, everything) == dict.fromkeys(everything, "accepted")

    cluster.run("backup.sh", "restore", backup, "--target-time", between.isoformat())
    assert applications_found(settings, everything) == dict.fromkeys(first + second, "accepted")
    kept_aside = list(cluster.state_dir.glob("data.before-restore-*"))
    assert len(kept_aside) == 1, "the data the second restore replaced is kept, not deleted"
    assert applications_found(settings, third) == {}
