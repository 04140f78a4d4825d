"""Settings from environment variables, with a prefix per service.

``INTAKE_KAFKA_BOOTSTRAP`` configures intake alone; ``BACKBONE_KAFKA_BOOTSTRAP`` every service that has
no setting of its own. Unset values take the defaults below, which match the scripts under ``infra/``.

A secret (a ``SecretStr`` field) may instead be read from a file named by ``<NAME>_FILE``, e.g.
``BACKBONE_POSTGRES_PASSWORD_FILE=/run/secrets/postgres``: the file's content without its trailing
newline, as Docker and Kubernetes mount secrets. Setting both variables is an error naming the two.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

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
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = "SCRAM-SHA-512"
    kafka_sasl_username: str = Field(default="", description="needed by the SASL protocols")
    kafka_sasl_password: SecretStr = SecretStr("")
    kafka_ssl_cafile: str = Field(
        default="", description="PEM CAs that sign the broker's certificate (empty: the system's)"
    )
    kafka_ssl_certfile: str = Field(default="", description="client certificate (PEM), for mutual TLS")
    kafka_ssl_keyfile: str = Field(default="", description="its private key (PEM)")
    kafka_connect_timeout_ms: int = Field(
        default=30_000, ge=1_000, description="a client that reaches no broker in this time fails"
    )
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
    oidc_issuer: str = Field(
        default="",
        description="the identity provider whose tokens the API accepts, e.g. "
        "http://127.0.0.1:8180/realms/ind; empty: embedded mode's development issuer",
    )
    oidc_audience: str = Field(default="backbone-api", description="the aud every token must carry")
    oidc_dashboard_client: str = Field(
        default="backbone-dashboard", description="the public client the dashboard signs in with"
    )
    oidc_leeway_seconds: int = Field(
        default=30, ge=0, le=300, description="clock skew allowed on a token's exp, iat and nbf"
    )
    kafka_connect_url: str = Field(
        default="http://127.0.0.1:8083",
        description="Kafka Connect's REST API, where the legacy bridge registers its Debezium connector",
    )
    legacy_database: str = Field(
        default="legacy", description="the legacy case system's database, on the same PostgreSQL server"
    )
    legacy_connect_password: str = Field(
        default="${env:LEGACY_DATABASE_PASSWORD}",
        description="what the Debezium connector's configuration says for the legacy database's "
        "password: a reference the Kafka Connect worker resolves with one of its config providers "
        "(${env:NAME}, ${file:PATH:KEY}), never the password itself, which Connect's REST API would show",
    )
    legacy_reconcile_interval: float = Field(
        default=0.0,
        ge=0,
        description="seconds between reconciliations of the legacy database with the tower's views in "
        "backbone serve (backbone_legacy_reconcile_differences, /v1/legacy/reconciliation); 0: none",
    )
    pseudonym_pepper: SecretStr = Field(
        default=SecretStr(""),
        description="the secret key of applicant references (backbone.pseudonyms); empty in embedded "
        "mode: a key generated in the data directory",
    )
    routing_file: Path | None = Field(
        default=None,
        description="the routing table of the renewal (ind.routing: which procedures the legacy case "
        "system owns, until which cutover); none: the backbone owns every procedure",
    )
    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    @field_validator("legacy_connect_password")
    @classmethod
    def _a_reference_not_a_password(cls, value: str) -> str:
        if not re.fullmatch(r"\$\{[a-z][a-z0-9_]*:[^{}]+\}", value):
            raise ValueError(
                "must be a reference the Kafka Connect worker resolves, such as ${env:NAME} or "
                "${file:PATH:KEY}, not the password itself (Connect's REST API shows it to anyone)"
            )
        return value

    @model_validator(mode="after")
    def _sasl_has_a_login(self) -> Settings:
        if self.kafka_security_protocol.startswith("SASL_") and not (
            self.kafka_sasl_username and self.kafka_sasl_password.get_secret_value()
        ):
            raise ValueError(
                f"KAFKA_SECURITY_PROTOCOL {self.kafka_security_protocol} needs KAFKA_SASL_USERNAME and "
                "KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE)"
            )
        return self

    @classmethod
    def from_env(cls, service: str = SHARED_PREFIX, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        prefixes = [service.upper(), SHARED_PREFIX] if service.upper() != SHARED_PREFIX else [SHARED_PREFIX]
        values: dict[str, str] = {}
        sources: dict[str, str] = {}
        for field, info in cls.model_fields.items():
            secret = info.annotation is SecretStr
            for prefix in prefixes:
                key = f"{prefix}_{field.upper()}"
                if secret and f"{key}_FILE" in environ:
                    if key in environ:
                        raise ConfigurationError(f"both {key} and {key}_FILE are set: set one of them")
                    values[field] = read_secret(f"{key}_FILE", environ[f"{key}_FILE"])
                    sources[field] = f"{key}_FILE"
                    break
                if key in environ:
                    values[field] = environ[key]
                    sources[field] = key
                    break
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            # The messages, never the input: that may be a secret.
            problems = "; ".join(
                f"{sources.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}" if e["loc"] else e["msg"]
                for e in error.errors(include_url=False)
            )
            raise ConfigurationError(f"invalid settings: {problems}") from error

    def with_overrides(self, **changes: object) -> Settings:
        return self.model_validate({**self.model_dump(), **changes})

    def as_environment(self) -> dict[str, str]:
        """These settings as ``BACKBONE_*`` variables, for a child process that must use exactly them."""
        environment = {}
        for field, value in self.model_dump().items():
            if value is None:  # unset: the child's default is the same None
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            environment[f"{SHARED_PREFIX}_{field.upper()}"] = str(value)
        return environment

    def over_environment(self, base: Mapping[str, str]) -> dict[str, str]:
        """``base`` (the parent's environment) with ``as_environment`` over it, less the secrets'
        ``BACKBONE_*_FILE`` variables: the child gets their values, and both would be an error."""
        files = {
            f"{SHARED_PREFIX}_{f.upper()}_FILE"
            for f, i in type(self).model_fields.items()
            if i.annotation is SecretStr
        }
        return {**{k: v for k, v in base.items() if k not in files}, **self.as_environment()}


def read_secret(variable: str, path: str) -> str:
    """The secret in the file ``variable`` names, without its trailing newline."""
    try:
        secret = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as error:
        raise ConfigurationError(f"{variable}: cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError:
        # Not chained: the decode error holds the file's bytes.
        raise ConfigurationError(f"{variable}: {path} is not UTF-8 text") from None
    if not secret:
        raise ConfigurationError(f"{variable}: {path} is empty")
    return secret
