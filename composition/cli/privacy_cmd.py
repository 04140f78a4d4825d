"""``backbone privacy``: personal data kept by intake, forgetting an applicant (crypto-shredding:
intake's key of their personal data and decision's key of the notes on their cases are destroyed),
and the versioned migrations of the vault that keeps them."""

from __future__ import annotations

import argparse
import json
from typing import Any
from uuid import UUID

from backbone.errors import NotFound
from backbone.migrations import MigrationState
from backbone.runtime import runtime_for
from composition.cli.access_purpose import add_purpose_argument, command_line_look
from composition.parts import INTAKE, vault_migrations_of
from composition.system import System
from services.intake.application.intake import Intake


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "privacy", help="applicants' personal data; forgetting an applicant; the vault's migrations"
    )
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
    add_purpose_argument(show)
    show.set_defaults(handler=_show)
    migrate = actions.add_parser(
        "migrate",
        help="show and apply the migrations of the personal-data vault's tables",
        description="The personal-data vault is the one store that events cannot rebuild, so its tables "
        "are versioned: numbered migrations, each applied once, in order. Every process that opens the "
        "vault applies the missing ones, under a lock; this command shows each migration's state "
        "(applied, pending, applied_now) and applies the pending ones, e.g. before a deployment.",
    )
    migrate.add_argument("--dry-run", action="store_true", help="show what would be applied; apply nothing")
    migrate.add_argument("--json", action="store_true", help="as one JSON object; errors too")
    migrate.add_argument(
        "--break-lock",
        action="store_true",
        help="first remove the migration lock that a killed process left (only if none is migrating)",
    )
    migrate.set_defaults(handler=_migrate)


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
    system = System.for_command("intake")
    intake = system.intake
    try:
        applicant_ref: str | None = intake.get_application(arguments.application_id).applicant_ref
    except NotFound:
        applicant_ref = None
    # Recorded before the data is shown: if the read cannot be recorded, nothing is shown.
    system.access_log.personal_data_read(
        command_line_look("privacy-officer", arguments.purpose), arguments.application_id, applicant_ref
    )
    data = intake.personal_data(arguments.application_id)
    if data is None:
        intake.get_application(arguments.application_id)  # none given, or no such application at all
    print(json.dumps(data.model_dump(mode="json") if data else None))
    return 0


def _migrate(arguments: argparse.Namespace) -> int:
    settings = System.for_command(INTAKE).settings_for(INTAKE)
    runtime = runtime_for(settings)
    migrations = vault_migrations_of(settings)
    if arguments.break_lock:
        migrations.break_lock()
    applied_now: list[str] = []
    if not arguments.dry_run:
        with runtime.creating():  # taking turns with the processes that open stores, as they do
            applied_now = migrations.apply()
    states = [{"id": m.id, "state": _state(m, applied_now)} for m in migrations.states()]
    if arguments.json:
        document = {"store": runtime.where(INTAKE), "dry_run": arguments.dry_run, "migrations": states}
        print(json.dumps(document))
        return 0
    print(f"{migrations.where} ({runtime.where(INTAKE)}):")
    for state in states:
        print(f"  {state['id']:<40} {state['state']}")
    pending = sum(state["state"] == "pending" for state in states)
    print(f"dry run: {pending} pending, nothing applied" if arguments.dry_run else "up to date")
    return 0


def _state(migration: MigrationState, applied_now: list[str]) -> str:
    if migration.id in applied_now:
        return "applied_now"
    return "applied" if migration.applied else "pending"
