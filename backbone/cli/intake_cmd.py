"""``backbone intake``: intake's commands for scripting."""

from __future__ import annotations

import argparse
import json
from typing import Any
from uuid import UUID

from backbone.codec import AvroCodec
from backbone.logs import configure_logging
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from services.intake.bootstrap import build_intake


def register(commands: Any) -> None:
    parser = commands.add_parser("intake", help="submit and accept applications (aanvragen)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    submit = actions.add_parser(
        "submit",
        help="submit an application; prints its id",
        description="Submit an application. A field that breaks a rule is named, and nothing is recorded.",
    )
    submit.add_argument(
        "--procedure",
        help="asylum, family_reunification, highly_skilled_migrant, "
        "family, study, research, renewal, change_of_purpose, naturalisation",
    )
    submit.add_argument("--channel", help="online, desk, post, application_centre")
    submit.add_argument("--received-on", help="YYYY-MM-DD, not in the future")
    submit.add_argument("--applicant-ref", help="pseudonymous reference: P- and 16 hex digits")
    submit.add_argument("--nationality", help="ISO 3166-1 alpha-3, e.g. SYR")
    submit.add_argument("--json", action="store_true", help="print the result as JSON")
    submit.set_defaults(handler=_submit)

    fee = actions.add_parser(
        "pay-fee",
        help="record the fee (leges) payment; a naturalisation clock starts on that day",
    )
    fee.add_argument("application_id", type=UUID)
    fee.add_argument("--paid-on", help="YYYY-MM-DD, not in the future")
    fee.add_argument("--amount-cents", type=int, help="euro cents paid")
    fee.set_defaults(handler=_pay_fee)

    accept = actions.add_parser("accept", help="accept a submitted application for a decision")
    accept.add_argument("application_id", type=UUID)
    accept.add_argument("--json", action="store_true", help="print the result as JSON")
    accept.set_defaults(handler=_accept)


def _intake() -> Any:
    settings = Settings.from_env("intake")
    configure_logging(settings.log_format, settings.log_level)
    return build_intake(settings, codec=AvroCodec(SchemaCatalog.load()))


def _submit(arguments: argparse.Namespace) -> int:
    fields = ("procedure", "channel", "received_on", "applicant_ref", "nationality")
    data = {f: getattr(arguments, f) for f in fields if getattr(arguments, f) is not None}
    application_id = _intake().submit_application(data)
    print(json.dumps({"application_id": str(application_id)}) if arguments.json else application_id)
    return 0


def _pay_fee(arguments: argparse.Namespace) -> int:
    fields = ("paid_on", "amount_cents")
    data = {f: getattr(arguments, f) for f in fields if getattr(arguments, f) is not None}
    _intake().pay_fee(arguments.application_id, data)
    print(f"fee paid for {arguments.application_id}")
    return 0


def _accept(arguments: argparse.Namespace) -> int:
    intake = _intake()
    intake.accept_application(arguments.application_id)
    deadline = intake.get_application(arguments.application_id).statutory_deadline
    if arguments.json:
        print(
            json.dumps(
                {
                    "application_id": str(arguments.application_id),
                    "statutory_deadline": str(deadline),
                }
            )
        )
    else:
        print(f"accepted {arguments.application_id}; statutory deadline {deadline}")
    return 0
