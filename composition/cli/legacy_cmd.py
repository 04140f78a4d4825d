"""``backbone legacy``: the legacy bridge's view of the legacy case system. ``not-translated`` lists the
legacy row changes it refused (zaaknummer, table, column, rule, code: never a personal value);
``cutover`` and ``conflicts`` move a procedure to the backbone; ``reconcile`` compares with the tower."""

from __future__ import annotations

import argparse
import json
from typing import Any

from composition.cli import cutover_cmd, reconcile_cmd
from composition.system import System


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
