"""``backbone simulate`` in distributed mode: intake and decision on PostgreSQL, through Kafka (intake's
relay, decision's consumer and relay, all on the simulated clock); a tower built from the topics counts
every simulated event once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from backbone.codec import AvroCodec
from backbone.meta_prefix import read_meta_prefix
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from backbone.stores import postgres_dsn, upstream_recorder
from services.control_tower.adapters.live_views import build_tower_store
from services.control_tower.rebuild import rebuild_views
from services.topics import topic_of
from tests.conftest import topics_of_its_own

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
PLAN = ("--from", "2024-09-02", "--weeks", "3", "--scale", "0.01", "--json")


@pytest.fixture
def simulated(postgres_settings: Settings, kafka_available: str, tmp_path: Path) -> Iterator[Settings]:
    with topics_of_its_own(postgres_settings.with_overrides(data_dir=tmp_path), 3, "sim") as settings:
        yield settings


def _events_per_type(settings: Settings) -> dict[str, int]:
    counts: dict[str, int] = {}
    for service in ("intake", "decision"):
        for notification in upstream_recorder(service, settings).select_notifications(start=1, limit=10**7):
            counts[notification.topic] = counts.get(notification.topic, 0) + 1
    return counts


def test_a_distributed_simulation_reaches_the_tower_through_kafka(simulated: Settings) -> None:
    environment = {**os.environ, **simulated.as_environment(), "BACKBONE_LOG_FORMAT": "json"}
    done = _backbone(environment, "simulate", *PLAN)
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout)
    assert summary["applications"] > 50 and summary["refused"] == 0 and summary["decided"] > 0

    report = rebuild_views(simulated, codec=AvroCodec(SchemaCatalog.load()))
    stored = _events_per_type(simulated)
    assert sum(stored.values()) == summary["events"] == report.events  # every event reached Kafka
    tower = build_tower_store(simulated)
    assert tower.event_counts() == stored
    objections = summary["per_procedure"]["objection"]["inflow"]  # opened by decision itself
    assert stored["nl.ind.decision.CaseOpened"] == summary["accepted"] + objections  # all consumed
    assert stored["nl.ind.decision.DecisionTaken"] == summary["decided"]

    # An auditor finds every history whole: the store and the topic agree, case by case.
    audit = _audit(environment)
    assert audit["verified"], audit["first_findings"]
    assert audit["events"] == summary["events"] and audit["findings"] == 0
    assert all(s["topic_events"] == s["store_events"] for s in audit["services"])
    for service in ("intake", "decision"):  # each phase shows its progress, the topic's too
        topic = topic_of(service, simulated.topic_partitions, simulated.topic_prefix).name
        assert f"verifying {service}'s store" in audit["progress"]
        assert f"comparing with {topic}: " in audit["progress"]

    # The same history as a process-mining event log, from PostgreSQL: every event a row.
    exported = _backbone(
        environment, "audit", "export", "--out", str(simulated.data_dir / "log.csv"), "--json"
    )
    assert exported.returncode == 0, exported.stderr[-3000:]
    assert json.loads(exported.stdout)["rows"] == summary["events"]

    # Someone alters a stored event (still a valid record) and deletes another case's last event.
    altered, shortened = _tamper(simulated)
    audit = _audit(environment, expect_verified=False)
    found = {(f["case_id"], f["problem"].split(" ")[1]) for f in audit["first_findings"]}
    assert (altered, "bytes") in found and (shortened, "store") in found and audit["findings"] == 2


def _backbone(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "composition.cli.main", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _audit(environment: dict[str, str], *, expect_verified: bool = True) -> dict[str, Any]:
    done = _backbone(environment, "audit", "verify", "--json")
    assert done.returncode == (0 if expect_verified else 1), done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout)
    report["progress"] = done.stderr
    return report


def _tamper(settings: Settings) -> tuple[str, str]:
    """Change a character of one decision event's correlation id (the record still decodes), and delete
    the last event of another case; returns both cases."""
    with psycopg.connect(postgres_dsn(settings), autocommit=True) as connection:
        rows = connection.execute(
            "SELECT originator_id, originator_version, state FROM decision.decision_events "
            "ORDER BY notification_id LIMIT 2 OFFSET 10"
        ).fetchall()
        (altered, version, state), (other, _, _) = rows
        correlation = read_meta_prefix(state).correlation_id
        changed = state.replace(
            correlation, correlation[:-1] + (b"0" if correlation[-1:] != b"0" else b"1")
        )
        connection.execute(
            "UPDATE decision.decision_events SET state = %s "
            "WHERE originator_id = %s AND originator_version = %s",
            (changed, altered, version),
        )
        connection.execute(
            "DELETE FROM decision.decision_events WHERE originator_id = %s AND originator_version = "
            "(SELECT max(originator_version) FROM decision.decision_events WHERE originator_id = %s)",
            (other, other),
        )
    return str(altered), str(other)
