"""``backbone``: the command line of the IND case backbone."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Literal, NoReturn, get_args, get_origin

from pydantic import SecretStr

from backbone.settings import Settings
from composition.cli import (
    audit_cmd,
    decision_cmd,
    demo,
    intake_cmd,
    legacy_cmd,
    privacy_cmd,
    recover_cmd,
    run_cmd,
    schemas_cmd,
    serve_cmd,
    simulate_cmd,
    token_cmd,
    topics_cmd,
    tower_cmd,
)
from composition.cli.exit_codes import exit_codes_help
from composition.cli.failures import UsageError, failure_of, report

PACKAGE = "ind-case-backbone"

DESCRIPTION = """\
The event-sourced case backbone of the IND: intake receives applications, decision runs cases to a
decision, and the control tower (verkeerstoren) shows the workload, all through events.

Modes: embedded (default; one SQLite file per service, no Kafka) or distributed (PostgreSQL and
Kafka), chosen with BACKBONE_MODE=embedded|distributed. Every setting is an environment variable:
BACKBONE_<SETTING>, or <SERVICE>_<SETTING> for one service (e.g. INTAKE_POSTGRES_HOST). A secret
(shown as ***) may instead be read from a file: <NAME>_FILE, e.g. BACKBONE_POSTGRES_PASSWORD_FILE.

Settings, with their defaults:
"""


def settings_help() -> str:
    """Every setting with its default (and its choices), from ``Settings`` itself, so none is left out."""
    lines = []
    for name, field in Settings.model_fields.items():
        default = field.get_default()
        shown = "***" if isinstance(default, SecretStr) else repr(default) if default == "" else default
        choices = get_args(field.annotation) if get_origin(field.annotation) is Literal else ()
        described = f"  {name.upper():<24} {shown}"
        if choices:
            described += f"  ({'|'.join(choices)})"
        if field.description:
            described += f"  {field.description}"
        lines.append(described)
    return "\n".join(lines)


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose errors are raised (as ``UsageError``) for ``main`` to report, so that
    a command given ``--json`` gets its usage error as JSON too. Its subcommands' parsers are Parsers."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, usage=self.format_usage(), prog=self.prog)


def package_version() -> str:
    try:
        return version(PACKAGE)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="backbone",
        description=DESCRIPTION + settings_help(),
        epilog=exit_codes_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (
        demo,
        simulate_cmd,
        intake_cmd,
        decision_cmd,
        tower_cmd,
        privacy_cmd,
        audit_cmd,
        serve_cmd,
        token_cmd,
        run_cmd,
        recover_cmd,
        topics_cmd,
        schemas_cmd,
        legacy_cmd,
    ):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its errors end here, each with its exit code (``exit_codes.py``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv  # until the arguments are parsed, the best there is
    try:
        arguments = build_parser().parse_args(argv)
        as_json = bool(getattr(arguments, "json", False))
        result: int = arguments.handler(arguments)
    except (Exception, KeyboardInterrupt) as error:
        failure = failure_of(error)
        report(failure, error, as_json=as_json)
        return int(failure.exit_code)
    return result


if __name__ == "__main__":
    sys.exit(main())
