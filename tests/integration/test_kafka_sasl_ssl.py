"""The relay and a tracked consumer over SASL_SSL (SCRAM-SHA-512 over TLS), on a broker of this module's
own: ``infra/kafka/kafka.sh`` with ``KAFKA_SASL_SSL_PORT`` on free ports and a temporary state dir, its
throw-away CA and SCRAM user made at format time. A wrong password is refused, and named in no error."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from backbone.consumer import TrackedConsumer
from backbone.errors import KafkaUnreachable
from backbone.feeds.kafka_topics import KafkaTopicsFeed
from backbone.feeds.offset_hints import OffsetHints
from backbone.kafka_clients import make_admin, make_consumer, make_producer
from backbone.settings import Settings
from backbone.stores import build_view
from backbone.topics import ensure_topics
from composition.parts import build_intake, build_intake_relay
from services.control_tower.adapters.tower_store import PostgresTowerStore, SQLiteTowerStore
from services.control_tower.projections.tower_projection import TowerProjection
from services.intake.application.commands import AcceptApplication
from services.topics import declared_topics, topic_of
from tests.factories import a_submission, clock, codec

pytestmark = pytest.mark.kafka
REPO = Path(__file__).resolve().parents[2]
KAFKA_SH = REPO / "infra" / "kafka" / "kafka.sh"
APPLICATIONS = 100  # two events each
WRONG_PASSWORD = "not-the-Password-9f3"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def kafka_sh(environment: dict[str, str], *command: str) -> str:
    done = subprocess.run(
        [str(KAFKA_SH), *command], env=environment, capture_output=True, text=True, timeout=150
    )
    if done.returncode != 0:
        pytest.fail(f"kafka.sh {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """``BACKBONE_*`` variables for a SASL_SSL client of a broker started for this module."""
    libs = Path(os.environ.get("KAFKA_LIBS_DIR", REPO / "infra" / "kafka" / ".libs"))
    if not list(libs.glob("kafka_2.13-*.jar")):
        pytest.fail(f"no Kafka jars in {libs}: run infra/kafka/kafka.sh fetch (or set KAFKA_LIBS_DIR)")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("java not found: the broker needs Java 17+ (set JAVA_HOME)")
    sasl_port = free_port()
    environment = {
        **os.environ,
        "KAFKA_PORT": str(free_port()),
        "KAFKA_CONTROLLER_PORT": str(free_port()),
        "KAFKA_SASL_SSL_PORT": str(sasl_port),
        "KAFKA_STATE_DIR": str(tmp_path_factory.mktemp("sasl-kafka")),
        "KAFKA_LIBS_DIR": str(libs),
        "KAFKA_OPTS": "-XX:TieredStopAtLevel=1",
    }
    try:
        kafka_sh(environment, "start")
        yield {
            "BACKBONE_KAFKA_BOOTSTRAP": f"127.0.0.1:{sasl_port}",
            "BACKBONE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "BACKBONE_KAFKA_SASL_USERNAME": "backbone",
            "BACKBONE_KAFKA_SASL_PASSWORD_FILE": kafka_sh(environment, "password-file"),
            "BACKBONE_KAFKA_SSL_CAFILE": kafka_sh(environment, "ca-file"),
            "BACKBONE_KAFKA_CONNECT_TIMEOUT_MS": "4000",
        }
    finally:
        subprocess.run([str(KAFKA_SH), "reset"], env=environment, capture_output=True, timeout=150)


@pytest.fixture
def settings(broker: dict[str, str], tmp_path: Path) -> Iterator[Settings]:
    """SASL_SSL settings, read from the environment as a service would, with topics of a unique prefix."""
    prefix = f"sasl-{uuid.uuid4().hex[:8]}."
    settings = Settings.from_env("intake", broker).with_overrides(
        data_dir=tmp_path, topic_prefix=prefix, topic_partitions=3
    )
    admin = make_admin(settings)
    try:
        ensure_topics(admin, declared_topics(3, prefix=prefix))
    finally:
        admin.close()
    yield settings


def test_the_relay_and_a_tracked_consumer_work_over_sasl_ssl(settings: Settings) -> None:
    intake = build_intake(settings.with_overrides(mode="embedded"), codec=codec(), clock=clock())
    for n in range(APPLICATIONS):
        intake.execute(
            intake.submit_application(a_submission(applicant_ref=f"P-{n:016x}")), AcceptApplication()
        )
    with make_producer(settings, client_id="sasl-relay") as producer:
        relay = build_intake_relay(intake, settings, codec=codec(), producer=producer)
        assert relay.publish_pending() == 2 * APPLICATIONS

    store = build_view(
        "control_tower", settings.with_overrides(mode="embedded"), SQLiteTowerStore, PostgresTowerStore
    )
    group = f"tower-{uuid.uuid4().hex[:6]}"
    feed = KafkaTopicsFeed(
        upstreams={topic_of("intake", 3, settings.topic_prefix).name: "intake"},
        consumer_factory=lambda: make_consumer(settings, group_id=group, client_id=group),
        codec=codec(),
        hints=OffsetHints(store),
    )
    consumer = TrackedConsumer(feed, TowerProjection(store), batch_size=100)
    deadline = time.monotonic() + 30
    try:
        while consumer.stats.applied < 2 * APPLICATIONS:
            assert time.monotonic() < deadline, f"stuck at {consumer.stats}"
            consumer.step(timeout=0.5)
    finally:
        feed.close()
    assert store.event_counts() == {
        "nl.ind.intake.ApplicationSubmitted": APPLICATIONS,
        "nl.ind.intake.ApplicationAccepted": APPLICATIONS,
    }


def test_a_wrong_password_is_refused_with_an_error_that_names_the_user_but_not_the_password(
    broker: dict[str, str],
) -> None:
    environment = {k: v for k, v in broker.items() if k != "BACKBONE_KAFKA_SASL_PASSWORD_FILE"}
    wrong = Settings.from_env("intake", {**environment, "BACKBONE_KAFKA_SASL_PASSWORD": WRONG_PASSWORD})
    started = time.monotonic()
    with pytest.raises(KafkaUnreachable) as refused:
        make_admin(wrong)
    assert time.monotonic() - started < 10  # BACKBONE_KAFKA_CONNECT_TIMEOUT_MS, not kafka-python's 30 s
    message = str(refused.value)
    assert f"at {broker['BACKBONE_KAFKA_BOOTSTRAP']}" in message
    assert "SASL_SSL, SCRAM-SHA-512 as user 'backbone'" in message
    assert "the user and password" in message
    assert WRONG_PASSWORD not in message


def test_the_command_line_refused_by_sasl_prints_and_logs_no_password(
    broker: dict[str, str], tmp_path: Path
) -> None:
    secret = tmp_path / "kafka-password"
    secret.write_text(WRONG_PASSWORD + "\n")
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BACKBONE_", "INTAKE_"))},
        **broker,
        "BACKBONE_KAFKA_SASL_PASSWORD_FILE": str(secret),
        "BACKBONE_LOG_LEVEL": "debug",
        "BACKBONE_LIBRARY_LOG_LEVEL": "debug",  # kafka-python logs its configuration at debug level
    }
    done = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", "topics", "create"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert done.returncode != 0
    assert "user 'backbone'" in done.stderr
    assert "sasl_plain_password': '***'" in done.stderr  # the debug log was on, and showed no password
    assert WRONG_PASSWORD not in done.stdout + done.stderr
