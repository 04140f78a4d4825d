"""How a failed command ends: each error becomes an exit code and one message on standard error, plain
(``backbone: ...``) or, for a command given ``--json``, one JSON object, so that standard output holds
only data. An expected error never shows a traceback; an unexpected one (a bug) always does."""

from __future__ import annotations

import json
import sqlite3
import sys
import traceback
from dataclasses import dataclass

import eventsourcing.persistence
import kafka.errors
import psycopg

from backbone.errors import (
    BackboneError,
    ConfigurationError,
    DomainRuleViolation,
    FieldProblem,
    InvalidCommand,
    KafkaUnreachable,
    NotFound,
)
from composition.cli.exit_codes import ExitCode
from services.legacy_bridge.adapters.extract_files import ExtractFileError
from services.legacy_bridge.application.extract_import import ExtractRefused

# The libraries' ways of saying that a store or the broker cannot be reached or used.
UNAVAILABLE = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    eventsourcing.persistence.OperationalError,
    eventsourcing.persistence.InterfaceError,
    sqlite3.OperationalError,
    kafka.errors.KafkaError,
    ConnectionError,
    TimeoutError,
    PermissionError,
)


class UsageError(BackboneError):
    """The command line itself is wrong: argparse's errors, and options that only fail once read."""

    def __init__(self, message: str, usage: str = "", prog: str = "backbone") -> None:
        super().__init__(message)
        self.usage = usage  # argparse's usage line, shown above a plain-text error as argparse does
        self.prog = prog


@dataclass(frozen=True)
class Failure:
    exit_code: ExitCode
    code: str  # stable, snake_case: the JSON error's "code", as the HTTP API names its errors
    message: str
    problems: tuple[FieldProblem, ...] = ()
    traceback: str | None = None  # unexpected errors only


def failure_of(error: BaseException) -> Failure:
    if isinstance(error, KeyboardInterrupt):
        return Failure(ExitCode.INTERRUPTED, "interrupted", "interrupted")
    if isinstance(error, UsageError):
        return Failure(ExitCode.USAGE, "usage", str(error))
    if isinstance(error, NotFound):
        return Failure(ExitCode.NOT_FOUND, "not_found", str(error))
    if isinstance(error, InvalidCommand):
        return Failure(ExitCode.INVALID_COMMAND, "invalid_command", str(error), error.problems)
    if isinstance(error, DomainRuleViolation):
        return Failure(ExitCode.REFUSED, "rule_violation", str(error))
    if isinstance(error, ConfigurationError):
        return Failure(ExitCode.UNAVAILABLE, "configuration", str(error))
    if isinstance(error, KafkaUnreachable):
        return Failure(ExitCode.UNAVAILABLE, "unavailable", str(error))
    if isinstance(error, UNAVAILABLE):
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        library = type(error).__module__.split(".")[0]
        named = type(error).__name__ if library == "builtins" else f"{library}.{type(error).__name__}"
        return Failure(ExitCode.UNAVAILABLE, "unavailable", f"{named}: {first_line}")
    if isinstance(error, ExtractFileError):
        return Failure(ExitCode.INVALID_COMMAND, "invalid_extract", f"{error}; nothing imported")
    if isinstance(error, ExtractRefused):
        return Failure(ExitCode.REFUSED, "extract_refused", f"{error}; nothing imported")
    if isinstance(error, BackboneError):
        return Failure(ExitCode.UNAVAILABLE, "failed", str(error))
    shown = "".join(traceback.format_exception(error))
    return Failure(ExitCode.UNAVAILABLE, "unexpected", f"{type(error).__name__}: {error}", traceback=shown)


def report(failure: Failure, error: BaseException, *, as_json: bool) -> None:
    """Print the failure on standard error."""
    if as_json:
        print(json.dumps({"error": as_dict(failure)}), file=sys.stderr)
        return
    if failure.traceback is not None:
        print(failure.traceback, end="", file=sys.stderr)
        print(
            f"backbone: unexpected error (a bug; its traceback is above): {failure.message}",
            file=sys.stderr,
        )
    elif isinstance(error, UsageError) and error.usage:
        print(f"{error.usage}{error.prog}: error: {failure.message}", file=sys.stderr)
    else:
        print(f"backbone: {failure.message}", file=sys.stderr)


def as_dict(failure: Failure) -> dict[str, object]:
    document: dict[str, object] = {
        "code": failure.code,
        "message": failure.message,
        "exit_code": int(failure.exit_code),
    }
    if failure.problems:
        document["problems"] = [
            {"field": p.field, "rule": p.rule, "message": p.message} for p in failure.problems
        ]
    if failure.traceback is not None:
        document["traceback"] = failure.traceback
    return document
