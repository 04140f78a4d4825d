from __future__ import annotations

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
    assert "KAFKA_COMPRESSION      zstd  (none|gzip|lz4|zstd)" in text
    assert "backbone" in text and "***" in text  # the password's default is not printed
