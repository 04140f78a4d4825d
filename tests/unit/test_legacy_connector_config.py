"""The Debezium connector's configuration, as the legacy bridge builds it from settings."""

from __future__ import annotations

import pytest

from backbone.errors import ConfigurationError
from backbone.settings import Settings
from services.legacy_bridge.connector import LegacyCapture, connector_config


def test_the_connector_snapshots_then_streams_both_legacy_tables_with_pgoutput() -> None:
    settings = Settings.from_env(
        "BACKBONE", {"BACKBONE_LEGACY_DATABASE": "oud", "BACKBONE_POSTGRES_PORT": "55442"}
    )
    config = connector_config(settings, LegacyCapture.from_settings(settings))
    assert config["plugin.name"] == "pgoutput"
    assert config["snapshot.mode"] == "initial"
    assert config["database.dbname"] == "oud"
    assert config["database.port"] == "55442"
    # The two legacy tables, and the bridge's heartbeat table, which keeps the slot moving.
    assert config["table.include.list"] == "public.zaken,public.zaak_statussen,public.backbone_heartbeat"
    assert config["heartbeat.interval.ms"] == "10000"
    assert "backbone_heartbeat" in config["heartbeat.action.query"]
    assert config["publication.autocreate.mode"] == "filtered"
    assert config["slot.name"] == config["publication.name"] == "backbone_legacy"
    assert config["topic.creation.default.replication.factor"] == "1"
    assert all(isinstance(value, str) for value in config.values())


def test_the_change_topics_and_the_connector_carry_the_settings_topic_prefix() -> None:
    settings = Settings().with_overrides(topic_prefix="test-1.", topic_partitions=3)
    capture = LegacyCapture.from_settings(settings)
    assert capture.name == "test-1.legacy-cases"
    assert capture.topic_of("zaken") == "test-1.legacy.public.zaken"
    assert connector_config(settings, capture)["topic.creation.default.partitions"] == "3"


def test_a_slot_name_postgresql_would_refuse_is_refused_here() -> None:
    with pytest.raises(ConfigurationError, match="slot name"):
        LegacyCapture(name="x", topic_prefix="legacy", slot_name="Legacy-Slot", partitions=1)


def test_the_connector_names_the_password_by_a_reference_the_worker_resolves() -> None:
    settings = Settings.from_env("BACKBONE", {"BACKBONE_POSTGRES_PASSWORD": "s3cr3t-of-the-db"})
    config = connector_config(settings, LegacyCapture.from_settings(settings))
    assert config["database.password"] == "${env:LEGACY_DATABASE_PASSWORD}"
    assert all("s3cr3t-of-the-db" not in value for value in config.values())
    mounted = Settings.from_env(
        "BACKBONE", {"BACKBONE_LEGACY_CONNECT_PASSWORD": "${file:/run/secrets/legacy.properties:password}"}
    )
    assert connector_config(mounted, LegacyCapture.from_settings(mounted))["database.password"] == (
        "${file:/run/secrets/legacy.properties:password}"
    )


@pytest.mark.parametrize("value", ["backbone", "${env:}", "password=${env:X}"])
def test_a_password_in_clear_is_refused_naming_the_setting(value: str) -> None:
    with pytest.raises(ConfigurationError, match="BACKBONE_LEGACY_CONNECT_PASSWORD"):
        Settings.from_env("BACKBONE", {"BACKBONE_LEGACY_CONNECT_PASSWORD": value})
