"""Fixtures for the real parts. Kafka, PostgreSQL and Keycloak must be running (``.ci/run`` starts
them); a test that needs one fails when it is missing, it never skips."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
import pytest

from backbone.kafka_clients import make_admin
from backbone.settings import Settings
from backbone.stores import postgres_dsn
from backbone.topics import ensure_topics
from services.legacy_bridge.kafka_connect import KafkaConnect, KafkaConnectError
from services.topics import declared_topics

TEST_PARTITIONS = 3
# infra/keycloak/keycloak.sh's default port and the realm of infra/keycloak/realm-ind.json.
KEYCLOAK_ISSUER = "http://127.0.0.1:8180/realms/ind"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    return Settings.from_env("BACKBONE", dict(os.environ))


@pytest.fixture(scope="session")
def kafka_available(base_settings: Settings) -> str:
    host, _, port = base_settings.kafka_bootstrap.rpartition(":")
    if not _reachable(host, int(port)):
        pytest.fail(
            f"Kafka is not reachable at {base_settings.kafka_bootstrap}; "
            "start it with infra/kafka/kafka.sh start (.ci/run does)"
        )
    return base_settings.kafka_bootstrap


@pytest.fixture(scope="session")
def postgres_available(base_settings: Settings) -> Settings:
    try:
        with psycopg.connect(postgres_dsn(base_settings)) as connection:
            connection.execute("SELECT 1")
    except psycopg.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {base_settings.postgres_host}:"
            f"{base_settings.postgres_port}: {error}; start it with infra/postgres/postgres.sh start"
        )
    return base_settings


@pytest.fixture(scope="session")
def keycloak_issuer() -> str:
    """The ``ind`` realm's issuer (``BACKBONE_OIDC_ISSUER``), once its discovery document answers."""
    issuer = os.environ.get("BACKBONE_OIDC_ISSUER", KEYCLOAK_ISSUER).rstrip("/")
    try:
        httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=5).raise_for_status()
    except httpx.HTTPError as error:
        pytest.fail(
            f"Keycloak does not answer for {issuer}: {error}; "
            "start it with infra/keycloak/keycloak.sh start (make test does)"
        )
    return issuer


@pytest.fixture(scope="session")
def kafka_connect_available(base_settings: Settings) -> KafkaConnect:
    """Kafka Connect's REST API (``BACKBONE_KAFKA_CONNECT_URL``), once it answers."""
    connect = KafkaConnect(base_settings.kafka_connect_url)
    try:
        connect.version()
    except KafkaConnectError as error:
        pytest.fail(f"{error}; start it with infra/kafka-connect/connect.sh start (make test does)")
    return connect


@pytest.fixture
def postgres_settings(postgres_available: Settings) -> Iterator[Settings]:
    """Distributed settings on a database of this test's own, dropped afterwards."""
    database = f"backbone_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_dsn(postgres_available), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    yield postgres_available.with_overrides(mode="distributed", postgres_dbname=database)
    drop_database(postgres_available, database)


def drop_database(settings: Settings, database: str) -> None:
    """Drop a test database; an autovacuum worker busy in it (a superuser process we may not end)
    makes DROP ... WITH (FORCE) fail for a moment, so try again."""
    for attempt in range(20):
        try:
            with psycopg.connect(postgres_dsn(settings), autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if attempt == 19:
                raise
            time.sleep(0.5)


@contextmanager
def topics_of_its_own(settings: Settings, partitions: int, label: str) -> Iterator[Settings]:
    """``settings`` with topics of a unique prefix and ``partitions`` partitions, deleted afterwards."""
    prefix = f"{label}-{uuid.uuid4().hex[:10]}."
    settings = settings.with_overrides(topic_prefix=prefix, topic_partitions=partitions)
    specs = declared_topics(partitions, prefix=prefix)
    admin = make_admin(settings)
    try:
        ensure_topics(admin, specs)
        yield settings
        admin.delete_topics([s.name for s in specs])
    finally:
        admin.close()


@pytest.fixture
def kafka_settings(kafka_available: str, base_settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """Topics of this test's own (a unique prefix, 3 partitions), deleted afterwards."""
    with topics_of_its_own(base_settings.with_overrides(data_dir=tmp_path), TEST_PARTITIONS, "test") as s:
        yield s
