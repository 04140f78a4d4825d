"""Settings from environment variables, with a prefix per service.

``INTAKE_KAFKA_BOOTSTRAP`` configures intake alone; ``BACKBONE_KAFKA_BOOTSTRAP`` every service that has
no setting of its own. Unset values take the defaults below, which match the scripts under ``infra/``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from backbone.errors import ConfigurationError

SHARED_PREFIX = "BACKBONE"


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Literal["embedded", "distributed"] = "embedded"
    data_dir: Path = Field(default=Path(".backbone"), description="SQLite files (embedded mode)")
    postgres_host: str = "127.0.0.1"
    postgres_port: int = 55432
    postgres_user: str = "backbone"
    postgres_password: SecretStr = SecretStr("backbone")
    postgres_dbname: str = "backbone"
    postgres_pool_size: int = Field(default=5, description="connections per service (distributed mode)")
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_client_id: str = Field(default="backbone", description="the start of every Kafka client id")
    kafka_compression: Literal["none", "gzip", "lz4", "zstd"] = Field(
        default="zstd", description="of the relays' record batches (docs/scale-run.md)"
    )
    topic_partitions: int = Field(
        default=6, ge=1, description="of the topics `backbone topics create` makes"
    )
    topic_prefix: str = Field(default="", description="prepended to every topic name, e.g. test-1.")
    kafka_session_timeout_ms: int = Field(
        default=10_000,
        ge=6_000,
        description="a consumer silent this long loses its partitions to the other instances",
    )
    relay_batch_size: int = Field(default=500, ge=1, description="events a relay reads and sends at once")
    consumer_batch_size: int = Field(
        default=500, ge=1, description="events a consumer applies per transaction"
    )
    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    @classmethod
    def from_env(cls, service: str = SHARED_PREFIX, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        prefixes = [service.upper(), SHARED_PREFIX] if service.upper() != SHARED_PREFIX else [SHARED_PREFIX]
        values: dict[str, str] = {}
        sources: dict[str, str] = {}
        for field in cls.model_fields:
            for prefix in prefixes:
                key = f"{prefix}_{field.upper()}"
                if key in environ:
                    values[field] = environ[key]
                    sources[field] = key
                    break
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            problems = "; ".join(
                f"{sources.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}"
                for e in error.errors(include_url=False)
            )
            raise ConfigurationError(f"invalid settings: {problems}") from error

    def with_overrides(self, **changes: object) -> Settings:
        return self.model_validate({**self.model_dump(), **changes})

    def as_environment(self) -> dict[str, str]:
        """These settings as ``BACKBONE_*`` variables, for a child process that must use exactly them."""
        environment = {}
        for field, value in self.model_dump().items():
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            environment[f"{SHARED_PREFIX}_{field.upper()}"] = str(value)
        return environment
