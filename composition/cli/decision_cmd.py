"""``backbone decision``: the commands officers give a case, for scripting.

In embedded mode the consumers first catch up, so a case opened for a just-accepted application exists.
"""

from __future__ import annotations

import argparse
import json
from typing import Any
from uuid import UUID

from composition.cli.model_options import add_model_options, model_values
from composition.opened import Backbone, open_backbone
from composition.system import System
from services.decision.application.commands import COMMANDS, parse_case_command
from services.decision.domain.case import Case


def register(commands_parser: Any) -> None:
    parser = commands_parser.add_parser("decision", help="work cases (zaken) to a decision")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="a case's state, stage and statutory deadline")
    show.add_argument("case_id", type=UUID)
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_show)
    for action, model in COMMANDS.items():
        doc = (model.__doc__ or "").strip().splitlines()
        sub = actions.add_parser(action, help=doc[0] if doc else action.replace("-", " "))
        sub.add_argument("case_id", type=UUID)
        add_model_options(sub, model)
        sub.set_defaults(handler=_act, model=model)


def _backbone() -> Backbone:
    backbone = open_backbone(System.for_command("decision"))
    backbone.settle()
    return backbone


def _act(arguments: argparse.Namespace) -> int:
    backbone = _backbone()
    command = parse_case_command(arguments.action, model_values(arguments, arguments.model))
    case = backbone.decision.execute(arguments.case_id, command, idempotency_key=arguments.idempotency_key)
    backbone.settle()
    _print(case, arguments.json)
    return 0


def _show(arguments: argparse.Namespace) -> int:
    _print(_backbone().decision.get_case(arguments.case_id), arguments.json)
    return 0


def _print(case: Case, as_json: bool) -> None:
    state = {
        "case_id": str(case.id),
        "version": case.version,
        "procedure": case.procedure.value,
        "statutory_deadline": str(case.statutory_deadline),
        "suspended": case.clock.is_suspended,
        "outcome": case.outcome.value if case.outcome else None,
        "closed": case.closed,
        "objection_case_id": str(case.objection_case_id) if case.objection_case_id else None,
    }
    print(json.dumps(state) if as_json else " ".join(f"{k}={v}" for k, v in state.items() if v is not None))
