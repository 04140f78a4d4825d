"""``backbone privacy``: personal data kept by intake, and forgetting an applicant (crypto-shredding):
intake's key of their personal data and decision's key of the notes on their cases are destroyed."""

from __future__ import annotations

import argparse
import json
from typing import Any
from uuid import UUID

from composition.system import System
from services.intake.application.intake import Intake


def register(commands: Any) -> None:
    parser = commands.add_parser("privacy", help="applicants' personal data; forgetting an applicant")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    forget = actions.add_parser(
        "forget",
        help="destroy an applicant's keys: their personal data and the notes on their cases can no longer "
        "be read",
        description="Destroys the applicant's keys in intake (personal data) and decision (caseworkers' "
        "notes). Both become unreadable for good; every event and projection still replays, because none "
        "of them holds personal data or free text.",
    )
    forget.add_argument("applicant_ref", help="the pseudonymous reference, P- and 16 hex digits")
    forget.set_defaults(handler=_forget)
    show = actions.add_parser("show", help="print the personal data given with an application (JSON)")
    show.add_argument("application_id", type=UUID)
    show.add_argument("--json", action="store_true", help="errors as JSON too (the data always is)")
    show.set_defaults(handler=_show)


def _intake() -> Intake:
    return System.for_command("intake").intake


def _forget(arguments: argparse.Namespace) -> int:
    ref, system = arguments.applicant_ref, System.for_command("intake")
    forgotten = {
        "personal data": system.intake.forget_applicant(ref),
        "notes": system.decision.forget_applicant(ref),
    }
    if any(forgotten.values()):
        print(
            f"forgot {ref}: " + ", ".join(f"{what} key destroyed" for what, had in forgotten.items() if had)
        )
    else:
        print(f"no key for {ref}")
    return 0


def _show(arguments: argparse.Namespace) -> int:
    intake = _intake()
    data = intake.personal_data(arguments.application_id)
    if data is None:
        intake.get_application(arguments.application_id)  # none given, or no such application at all
    print(json.dumps(data.model_dump(mode="json") if data else None))
    return 0
