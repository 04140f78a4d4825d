"""``backbone``: the command line of the IND case backbone."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Literal, get_args, get_origin

from pydantic import SecretStr

from backbone.errors import BackboneError
from backbone.settings import Settings
from composition.cli import (
    audit_cmd,
    decision_cmd,
    demo,
    intake_cmd,
    privacy_cmd,
    run_cmd,
    schemas_cmd,
    serve_cmd,
    simulate_cmd,
    topics_cmd,
    tower_cmd,
)

DESCRIPTION = """\
The event-sourced case backbone of the IND: intake receives applications, decision runs cases to a
decision, and the control tower (verkeerstoren) shows the workload, all through events.

Modes: embedded (default; one SQLite file per service, no Kafka) or distributed (PostgreSQL and
Kafka), chosen with BACKBONE_MODE=embedded|distributed. Every setting is an environment variable:
BACKBONE_<SETTING>, or <SERVICE>_<SETTING> for one service (e.g. INTAKE_POSTGRES_HOST).

Settings, with their defaults:
"""


def settings_help() -> str:
    """Every setting with its default (and its choices), from ``Settings`` itself, so none is left out."""
    lines = []
    for name, field in Settings.model_fields.items():
        default = field.get_default()
        shown = "***" if isinstance(default, SecretStr) else repr(default) if default == "" else default
        choices = get_args(field.annotation) if get_origin(field.annotation) is Literal else ()
        described = f"  {name.upper():<22} {shown}"
        if choices:
            described += f"  ({'|'.join(choices)})"
        if field.description:
            described += f"  {field.description}"
        lines.append(described)
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backbone",
        description=DESCRIPTION + settings_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
        run_cmd,
        topics_cmd,
        schemas_cmd,
    ):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        result: int = arguments.handler(arguments)
    except BackboneError as error:
        print(f"backbone: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return result


if __name__ == "__main__":
    sys.exit(main())
