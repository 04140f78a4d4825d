"""The exit codes of ``backbone``, in one place: the commands, ``backbone --help`` and the README use
these (tests/unit/test_cli_exit_codes.py checks that the README's table matches)."""

from __future__ import annotations

import textwrap
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    PROBLEMS_FOUND = 1
    USAGE = 2
    STOPPED = 3
    INVALID_COMMAND = 4
    REFUSED = 5
    NOT_FOUND = 6
    UNAVAILABLE = 7
    INTERRUPTED = 130


MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.PROBLEMS_FOUND: "a check found problems (audit verify, audit case; topics create: a "
    "mismatch; legacy reconcile: differences)",
    ExitCode.USAGE: "usage error: an unknown option, a missing argument, a value that does not parse",
    ExitCode.STOPPED: "simulate stopped before its last week (SIGTERM, Ctrl-C); --resume goes on",
    ExitCode.INVALID_COMMAND: "the input broke a rule: each field and rule is named; nothing recorded",
    ExitCode.REFUSED: "the case's (or application's) state refused the command; nothing recorded",
    ExitCode.NOT_FOUND: "no application or case with that id",
    ExitCode.UNAVAILABLE: "configuration or infrastructure error (settings, PostgreSQL, Kafka, stored "
    "data); or a bug, shown with its traceback",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}


def exit_codes_help() -> str:
    """The table for ``backbone --help``."""
    rows = (
        textwrap.fill(MEANINGS[code], 100, initial_indent=f"  {code.value:>3}  ", subsequent_indent=" " * 7)
        for code in ExitCode
    )
    return "exit codes:\n" + "\n".join(rows)
