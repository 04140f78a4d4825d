"""``backbone legacy``: the legacy bridge's view of the legacy case system. ``not-translated`` lists the
legacy row changes it refused (zaaknummer, table, column, rule, code: never a personal value);
``cutover`` and ``conflicts`` move a procedure to the backbone; ``reconcile`` compares with the tower;
``import-extract`` brings a nightly extract of the legacy tables in (embedded mode)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from composition.cli import cutover_cmd, reconcile_cmd
from composition.legacy_extract import import_legacy_extract, legacy_open_cases
from composition.opened import open_backbone
from composition.system import System

IMPORT_HELP = """\
Import a nightly full extract of the legacy tables (embedded mode, where there is no Kafka Connect):
DIR holds zaken.csv and zaak_statussen.csv (UTF-8, comma-separated, a header row; an empty field is
NULL; dates YYYY-MM-DD, timestamps YYYY-MM-DD HH:MM:SS), and its name ends in the night it holds
(e.g. extract-2026-03-20) unless --night gives it.

The extract is compared with the last one imported: new rows are inserts, changed rows updates, and a
row missing tonight was deleted. The changes go through the legacy bridge like Debezium's, personal
columns dropped as the files are read; the tower then shows the legacy cases. Exactly once: the same
extract again changes nothing; an older night's, or another extract of the night already imported, is
refused (exit 5). A file that cannot be read is named with its line and column, and nothing is
imported (exit 4). See docs/legacy.md."""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "legacy",
        help="the legacy bridge: what it could not translate, cutovers, conflicts, "
        "reconciliation with the tower",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "not-translated",
        help="the legacy changes the bridge refused, oldest first (docs/legacy.md)",
    )
    listing.add_argument("--after", type=int, default=0, help="only those after this position")
    listing.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=_not_translated)
    cutover_cmd.register_actions(actions)
    reconcile_cmd.register(actions)
    extract = actions.add_parser(
        "import-extract",
        help="import a nightly CSV extract of the legacy tables (embedded mode)",
        description=IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract.add_argument("directory", type=Path, metavar="DIR", help="the extract's folder")
    extract.add_argument(
        "--night", type=date.fromisoformat, help="the night it holds (default: from DIR's name)"
    )
    extract.add_argument("--json", action="store_true", help="print the outcome as one JSON object")
    extract.set_defaults(handler=_import_extract)


def _import_extract(arguments: argparse.Namespace) -> int:
    system = System.for_command("legacy_bridge")
    try:
        imported = import_legacy_extract(system, arguments.directory, arguments.night)
        backbone = open_backbone(system)
        backbone.settle()  # the tower reads the bridge's log
        shown = legacy_open_cases(backbone.tower)
    finally:
        system.close()
    if arguments.json:
        print(json.dumps({**imported.as_json(), "tower_legacy_open_cases": shown}))
    elif imported.already_imported:
        print(f"The extract of {imported.night} was imported already: nothing changed.")
        print(f"The control tower shows {shown} open legacy cases.")
    else:
        print(
            f"Imported the extract of {imported.night}: {imported.inserted} rows new, "
            f"{imported.updated} changed, {imported.deleted} deleted, {imported.unchanged} unchanged; "
            f"{imported.events} events recorded."
        )
        print(f"The control tower shows {shown} open legacy cases.")
    return 0


def _not_translated(arguments: argparse.Namespace) -> int:
    system = System.for_command("legacy_bridge")
    try:
        records = system.legacy_bridge.not_translated(after=arguments.after, limit=arguments.limit)
    finally:
        system.close()
    for record in records:
        if arguments.json:
            print(
                json.dumps(
                    {
                        "position": record.position,
                        "case_id": str(record.case_id),
                        "zaaknummer": record.zaaknummer,
                        "table": record.table,
                        "column": record.column,
                        "rule": record.rule,
                        "code": record.code,
                        "occurred_at": record.occurred_at.isoformat(),
                    }
                )
            )
        else:
            code = f" ({record.code})" if record.code else ""
            print(
                f"{record.position:>8}  {record.occurred_at:%Y-%m-%d %H:%M}  {record.zaaknummer}  "
                f"{record.table}.{record.column}: {record.rule}{code}"
            )
    return 0
