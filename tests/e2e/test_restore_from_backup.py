"""A store restored from a backup behind Kafka (issue 14), with a real ``pg_dump`` and ``pg_restore``: 15
applications become cases; the database (or one service's schema) is dumped; 15 more become cases;
the dump is restored while Kafka keeps every event. Before the fix, nothing said so: decision held
cases intake no longer knew, and 12 of 15 new applications never became cases (their reused
notification ids were skipped as repeats). Now the restored store is found behind its topic, nothing
is recorded in it or published from it, and ``backbone recover`` puts the lost events back; then 15 new
applications all become cases, every application has exactly one case, and the audit finds nothing."""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import UUID

import psycopg
import pytest

from backbone.continuity import StoreBehindTopic
from backbone.errors import NotFound
from backbone.kafka_clients import make_producer
from backbone.runtime import postgres_dsn
from backbone.settings import Settings
from composition.parts import topic_name
from composition.system import System
from services.intake.application.commands import AcceptApplication, parse_submission
from tests.conftest import topics_of_its_own
from tests.kafka_reading import headers, read_topic

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
SETTLE_SECONDS = 90.0


class Running:
    """Intake's relay, decision's consumer and decision's relay, in this process, as one operator's
    processes would run them."""

    def __init__(self, settings: Settings) -> None:
        self.system = System(settings)
        self.producer = make_producer(settings, client_id="restore-test")
        self.relays = [self.system.relay(s, self.producer) for s in ("intake", "decision")]
        self.consumer = self.system.decision_consumer(group_id=f"{settings.topic_prefix}decision")
        for service in (self.system.intake, self.system.decision):
            assert service.continuity is not None
            service.continuity.learn()  # as the API and `backbone run` do when they start

    def accept(self, how_many: int) -> list[UUID]:
        accepted = []
        for _ in range(how_many):
            submission = parse_submission(
                {
                    "procedure": "family",
                    "channel": "online",
                    "received_on": date.today(),
                    "applicant_ref": f"P-{uuid.uuid4().hex[:16]}",
                    "nationality": "SYR",
                }
            )
            application_id = self.system.intake.submit_application(submission)
            self.system.intake.execute(application_id, AcceptApplication())
            accepted.append(application_id)
        return accepted

    def settle(self, applications: list[UUID]) -> None:
        """Relay, consume and relay until every one of ``applications`` is a published case."""
        deadline = time.monotonic() + SETTLE_SECONDS
        waiting = set(applications)
        while waiting:
            assert time.monotonic() < deadline, f"{len(waiting)} applications never became cases"
            self.relays[0].publish_pending()
            self.consumer.step(timeout=0.5)
            self.relays[1].publish_pending()
            waiting = {a for a in waiting if not _has_case(self.system, a)}
        self.relays[1].publish_pending()

    def close(self) -> None:
        self.producer.close()
        self.system.close()


def _has_case(system: System, application_id: UUID) -> bool:
    try:
        system.decision.get_case(application_id)
    except NotFound:
        return False
    return True


@pytest.fixture
def distributed(
    postgres_settings: Settings, kafka_available: str, keycloak_issuer: str, tmp_path: Path
) -> Iterator[Settings]:
    own = postgres_settings.with_overrides(data_dir=tmp_path, oidc_issuer=keycloak_issuer)
    with topics_of_its_own(own, 3, "restore") as settings:
        yield settings


def _pg(tool: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))
    assert found, f"no {tool}: install Debian's postgresql (infra/postgres/postgres.sh install)"
    return found[-1]


def dump(settings: Settings, schemas: tuple[str, ...], path: Path) -> None:
    selected = [f"--schema={schema}" for schema in schemas]
    subprocess.run(
        [_pg("pg_dump"), "--format=custom", f"--file={path}", *selected, postgres_dsn(settings)],
        check=True,
        capture_output=True,
    )


def restore(settings: Settings, schemas: tuple[str, ...], path: Path) -> None:
    """As an operator restores a backup after losing a disk: what was there goes, the dump comes back."""
    with psycopg.connect(postgres_dsn(settings), autocommit=True) as connection:
        for schema in schemas:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    subprocess.run(
        [_pg("pg_restore"), f"--dbname={postgres_dsn(settings)}", str(path)],
        check=True,
        capture_output=True,
    )


def backbone(settings: Settings, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **settings.as_environment(), "BACKBONE_LOG_FORMAT": "json"}
    return subprocess.run(
        [sys.executable, "-m", "composition.cli.main", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.parametrize(
    "restored",
    [("intake", "decision", "control_tower"), ("intake",), ("decision",)],
    ids=["whole-database", "intake-only", "decision-only"],
)
def test_a_store_restored_behind_its_topic_is_refused_until_recovered_and_then_nothing_is_lost(
    distributed: Settings, restored: tuple[str, ...], tmp_path: Path
) -> None:
    running = Running(distributed)
    first = running.accept(15)
    running.settle(first)
    backup = tmp_path / "backup.dump"
    dump(distributed, restored, backup)
    second = running.accept(15)
    running.settle(second)
    running.close()

    restore(distributed, restored, backup)

    running = Running.__new__(Running)  # started again after the restore, as processes are
    with pytest.raises(StoreBehindTopic) as refused:
        Running.__init__(running, distributed)
    assert f"`backbone recover {restored[0]}`" in str(refused.value)
    running.close()

    dry_run = backbone(distributed, "recover", restored[0], "--dry-run", "--json")
    assert dry_run.returncode == 1, dry_run.stderr
    assert json.loads(dry_run.stdout)["recovered"] > 0
    for service in ("intake", "decision"):
        if service in restored:
            recovered = backbone(distributed, "recover", service, "--json")
            assert recovered.returncode == 0, recovered.stderr
            report = json.loads(recovered.stdout)
            assert report["applied"] and report["recovered"] > 0, report
    again = backbone(distributed, "recover", restored[0], "--json")
    assert json.loads(again.stdout)["recovered"] == 0  # level now: nothing more to do

    running = Running(distributed)
    third = running.accept(15)
    running.settle(third)
    for application_id in [*first, *second, *third]:
        running.system.intake.get_application(application_id)  # intake knows every application
    running.close()

    opened = Counter(
        headers(record)["ce_subject"]
        for record in read_topic(distributed, topic_name("decision", distributed))
        if headers(record)["ce_type"] == "nl.ind.decision.case-opened"
    )
    assert set(opened) == {str(a) for a in [*first, *second, *third]}  # one case per application
    assert set(opened.values()) == {1}, "a case was opened twice"
    audit = backbone(distributed, "audit", "verify", "--json")
    assert audit.returncode == 0, audit.stdout[-2000:] + audit.stderr[-2000:]
