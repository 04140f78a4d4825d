"""``backbone privacy``: personal data kept by intake, and forgetting an applicant (crypto-shredding)."""

from __future__ import annotations

import argparse
import json
import uuid
from typing import Any
from uuid import UUID

from backbone.errors import NotFound
from composition.cli.access_purpose import add_purpose_argument, command_line_accessor
from composition.system import System
from ind.access_purposes import ACCESS_PURPOSES_VERSION
from services.intake.application.intake import Intake


def register(commands: Any) -> None:
    parser = commands.add_parser("privacy", help="applicants' personal data; forgetting an applicant")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    forget = actions.add_parser(
        "forget",
        help="destroy an applicant's key: their personal data can no longer be read",
        description="Destroys the applicant's key. Their personal data becomes unreadable for good; every "
        "event and projection still replays, because none of them holds personal data.",
    )
    forget.add_argument("applicant_ref", help="the pseudonymous reference, P- and 16 hex digits")
    forget.set_defaults(handler=_forget)
    show = actions.add_parser("show", help="print the personal data given with an application (JSON)")
    show.add_argument("application_id", type=UUID)
    show.add_argument("--json", action="store_true", help="errors as JSON too (the data always is)")
    add_purpose_argument(show)
    show.set_defaults(handler=_show)


def _intake() -> Intake:
    return System.for_command("intake").intake


def _forget(arguments: argparse.Namespace) -> int:
    forgotten = _intake().forget_applicant(arguments.applicant_ref)
    print(f"forgot {arguments.applicant_ref}" if forgotten else f"no key for {arguments.applicant_ref}")
    return 0


def _show(arguments: argparse.Namespace) -> int:
    system = System.for_command("intake")
    intake = system.intake
    try:
        applicant_ref: str | None = intake.get_application(arguments.application_id).applicant_ref
    except NotFound:
        applicant_ref = None
    # Recorded before the data is shown: if the read cannot be recorded, nothing is shown.
    system.access_log.personal_data_read(
        command_line_accessor("privacy-officer"),
        arguments.application_id,
        applicant_ref,
        arguments.purpose,
        ACCESS_PURPOSES_VERSION,
        correlation_id=str(uuid.uuid4()),
    )
    data = intake.personal_data(arguments.application_id)
    if data is None:
        intake.get_application(arguments.application_id)  # none given, or no such application at all
    print(json.dumps(data.model_dump(mode="json") if data else None))
    return 0
