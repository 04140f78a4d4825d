"""The backbone's own errors. Library errors are wrapped in these, raised ``from`` the original."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class BackboneError(Exception):
    """Root of every error the backbone raises on purpose."""


class SchemaError(BackboneError):
    """A schema under ``schemas/`` cannot be loaded or does not resolve."""


class UnknownSchemaError(BackboneError):
    """Bytes name a schema fingerprint (or a name) that no loaded schema has."""

    def __init__(self, what: str) -> None:
        super().__init__(f"unknown schema {what}: no .avsc under schemas/ has it")
        self.what = what


class CorruptMessageError(BackboneError):
    """Bytes are not a well-formed Avro single-object message for their schema."""


class EncodingError(BackboneError):
    """A record does not fit its schema."""


class ConfigurationError(BackboneError):
    """A setting is missing or invalid."""


class KafkaUnreachable(BackboneError):
    """No broker accepted a Kafka client in time: down, another address, or a refused TLS or SASL login."""


@dataclass(frozen=True)
class FieldProblem:
    """One broken rule on one input field."""

    field: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message} [{self.rule}]"


class InvalidCommand(BackboneError):
    """A command was rejected before anything was recorded; names every field and rule broken."""

    def __init__(self, command: str, problems: Sequence[FieldProblem]) -> None:
        self.command = command
        self.problems = tuple(problems)
        listed = "; ".join(str(p) for p in self.problems)
        super().__init__(f"{command} rejected, nothing recorded: {listed}")

    def as_dict(self) -> dict[str, object]:
        return {
            "command": self.command,
            "problems": [{"field": p.field, "rule": p.rule, "message": p.message} for p in self.problems],
        }


class DomainRuleViolation(BackboneError):
    """A command is well formed but the aggregate's current state forbids it."""


class NotFound(BackboneError):
    """A command or query named an application or a case that does not exist."""

    def __init__(self, kind: str, identifier: object) -> None:
        self.kind = kind
        self.identifier = str(identifier)
        super().__init__(f"no {kind} {identifier}")
