"""``backbone intake``: intake's commands for scripting. Options come from the commands' own fields."""

from __future__ import annotations

import argparse
import json
from typing import Any
from uuid import UUID

from composition.cli.model_options import add_model_options, model_values
from composition.system import System
from services.intake.application import commands
from services.intake.application.intake import Intake

# The actions are the service's own (commands.COMMANDS); their help, as the command line words it.
HELP = {
    "pay-fee": "record the fee (leges); a naturalisation clock starts that day",
    "notify-defect": "ask the applicant to complete the application (herstel verzuim); suspends the clock",
    "remedy-defect": "the applicant completed the application; the clock runs again",
    "classify": "set the asylum track, target group and complexity",
    "withdraw": "the applicant withdrew the application",
    "stop-processing": "not processed: the defect was not remedied in time",
    "accept": "accept the application for a decision; prints the statutory deadline",
}
# action -> (help, command)
ACTIONS: dict[str, tuple[str, type[commands.ApplicationCommand]]] = {
    action: (HELP.get(action, action.replace("-", " ")), command)
    for action, command in commands.COMMANDS.items()
}


def register(commands_parser: Any) -> None:
    parser = commands_parser.add_parser("intake", help="submit and handle applications (aanvragen)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    submit = actions.add_parser(
        "submit",
        help="submit an application; prints its id",
        description="Submit an application. A field that breaks a rule is named, and nothing is recorded.",
    )
    add_model_options(submit, commands.SubmitApplication)
    submit.set_defaults(handler=_submit)
    for action, (help_text, model) in ACTIONS.items():
        sub = actions.add_parser(action, help=help_text, description=help_text)
        sub.add_argument("application_id", type=UUID)
        add_model_options(sub, model)
        sub.set_defaults(handler=_act, model=model)


def _intake() -> Intake:
    return System.for_command("intake").intake


def _submit(arguments: argparse.Namespace) -> int:
    application_id = _intake().submit_application(
        commands.parse_submission(model_values(arguments, commands.SubmitApplication)),
        idempotency_key=arguments.idempotency_key,
    )
    print(json.dumps({"application_id": str(application_id)}) if arguments.json else application_id)
    return 0


def _act(arguments: argparse.Namespace) -> int:
    intake = _intake()
    command = commands.parse_application_command(arguments.action, model_values(arguments, arguments.model))
    intake.execute(arguments.application_id, command, idempotency_key=arguments.idempotency_key)
    application = intake.get_application(arguments.application_id)
    result = {
        "application_id": str(application.id),
        "status": application.status.value,
        "statutory_deadline": str(application.statutory_deadline)
        if application.statutory_deadline
        else None,
        "version": application.version,
    }
    if arguments.json:
        print(json.dumps(result))
    else:
        print(" ".join(f"{k}={v}" for k, v in result.items() if v is not None))
    return 0
