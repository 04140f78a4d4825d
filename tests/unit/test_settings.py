from __future__ import annotations

from pathlib import Path

import pytest

from backbone.errors import ConfigurationError
from backbone.settings import Settings


def test_a_service_setting_wins_over_the_shared_one() -> None:
    environ = {"BACKBONE_KAFKA_BOOTSTRAP": "a:1", "INTAKE_KAFKA_BOOTSTRAP": "b:2"}
    assert Settings.from_env("intake", environ).kafka_bootstrap == "b:2"
    assert Settings.from_env("decision", environ).kafka_bootstrap == "a:1"


def test_defaults_match_the_infra_scripts() -> None:
    settings = Settings.from_env("intake", {})
    assert settings.mode == "embedded"
    assert (settings.postgres_port, settings.kafka_bootstrap) == (55432, "127.0.0.1:9092")


def test_an_invalid_value_names_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="INTAKE_MODE"):
        Settings.from_env("intake", {"INTAKE_MODE": "cloud"})


def test_the_password_is_not_printed() -> None:
    settings = Settings.from_env("intake", {"BACKBONE_POSTGRES_PASSWORD": "s3cret"})
    assert "s3cret" not in repr(settings)


def test_an_unknown_compression_names_the_variable_and_the_choices() -> None:
    with pytest.raises(ConfigurationError, match="BACKBONE_KAFKA_COMPRESSION: .*'lz4' or 'zstd'"):
        Settings.from_env("intake", {"BACKBONE_KAFKA_COMPRESSION": "brotli"})


def test_backbone_help_lists_every_setting_with_its_default() -> None:
    from composition.cli.main import build_parser

    text = build_parser().format_help()
    for name in Settings.model_fields:
        assert f"  {name.upper()} " in text
    assert "KAFKA_COMPRESSION        zstd  (none|gzip|lz4|zstd)" in text
    assert "backbone" in text and "***" in text  # the password's default is not printed


def test_a_secret_is_read_from_the_file_its_file_variable_names(tmp_path: Path) -> None:
    (tmp_path / "postgres").write_text("from-a-file\n")
    environ = {"BACKBONE_POSTGRES_PASSWORD_FILE": str(tmp_path / "postgres")}
    assert Settings.from_env("intake", environ).postgres_password.get_secret_value() == "from-a-file"


def test_a_service_secret_file_wins_over_the_shared_secret(tmp_path: Path) -> None:
    (tmp_path / "kafka").write_text("intake-only\r\n")
    environ = {
        "BACKBONE_KAFKA_SASL_PASSWORD": "shared",
        "INTAKE_KAFKA_SASL_PASSWORD_FILE": str(tmp_path / "kafka"),
    }
    assert Settings.from_env("intake", environ).kafka_sasl_password.get_secret_value() == "intake-only"
    assert Settings.from_env("decision", environ).kafka_sasl_password.get_secret_value() == "shared"


def test_a_secret_set_both_ways_names_the_two_variables_and_not_the_value(tmp_path: Path) -> None:
    (tmp_path / "postgres").write_text("in-the-file")
    environ = {
        "INTAKE_POSTGRES_PASSWORD": "in-the-variable",
        "INTAKE_POSTGRES_PASSWORD_FILE": str(tmp_path / "postgres"),
    }
    with pytest.raises(ConfigurationError) as raised:
        Settings.from_env("intake", environ)
    assert "INTAKE_POSTGRES_PASSWORD and INTAKE_POSTGRES_PASSWORD_FILE" in str(raised.value)
    assert "in-the-" not in str(raised.value)


def test_an_unreadable_or_empty_secret_file_names_its_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="BACKBONE_KAFKA_SASL_PASSWORD_FILE: cannot read"):
        Settings.from_env("intake", {"BACKBONE_KAFKA_SASL_PASSWORD_FILE": str(tmp_path / "missing")})
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(ConfigurationError, match="BACKBONE_POSTGRES_PASSWORD_FILE: .* is empty"):
        Settings.from_env("intake", {"BACKBONE_POSTGRES_PASSWORD_FILE": str(tmp_path / "empty")})


def test_only_secrets_are_read_from_files(tmp_path: Path) -> None:
    (tmp_path / "host").write_text("db.example.org")
    environ = {"BACKBONE_POSTGRES_HOST_FILE": str(tmp_path / "host")}
    assert Settings.from_env("intake", environ).postgres_host == "127.0.0.1"


def test_a_sasl_protocol_without_a_user_and_password_is_a_configuration_error() -> None:
    with pytest.raises(
        ConfigurationError, match="SASL_SSL needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"
    ):
        Settings.from_env("intake", {"BACKBONE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL"})


def test_kafka_python_logs_the_sasl_password_as_stars() -> None:
    from backbone.kafka_clients import _security

    settings = Settings.from_env(
        "intake",
        {
            "BACKBONE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "BACKBONE_KAFKA_SASL_USERNAME": "backbone",
            "BACKBONE_KAFKA_SASL_PASSWORD": "s3cret",
        },
    )
    options = _security(settings)
    assert "s3cret" not in repr(options)  # kafka-python logs its configuration dict at debug level
    assert options["sasl_plain_password"].encode() == b"s3cret"


def test_a_child_of_a_process_with_a_secret_file_gets_the_secret_and_not_both(tmp_path: Path) -> None:
    (tmp_path / "postgres").write_text("from-a-file\n")
    parent = {"BACKBONE_POSTGRES_PASSWORD_FILE": str(tmp_path / "postgres"), "PATH": "/usr/bin"}
    child = Settings.from_env("intake", parent).over_environment(parent)
    assert "BACKBONE_POSTGRES_PASSWORD_FILE" not in child and child["PATH"] == "/usr/bin"
    assert Settings.from_env("intake", child).postgres_password.get_secret_value() == "from-a-file"
