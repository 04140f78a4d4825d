"""``backbone legacy reconcile``: the legacy database (the legacy system of record) against what the
control tower shows, per procedure x stage and case by case; every difference with its reason."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from composition.cli.exit_codes import ExitCode
from composition.legacy_reconcile import reconcile_legacy
from composition.opened import open_backbone
from composition.system import System
from ind.procedures import Procedure
from services.control_tower.application.reconciliation_view import reconciliation_document
from services.control_tower.domain.reconciliation import Reconciliation

DESCRIPTION = """\
Reads the legacy tables zaken and zaak_statussen directly, translates them by the legacy bridge's own
rules (docs/legacy.md) and compares them with the control tower's views, matched by case id whichever
system owns the case now: counts per procedure and stage, and per case its stage and its statutory
deadline (as the views show it today). Each difference has a reason:

  missing_in_tower   a legacy case the tower does not show (yet: see --settle)
  missing_in_legacy  the tower shows a legacy case the legacy tables no longer hold
  procedure_differs  stage_differs  deadline_differs
  not_translated     a row the bridge refuses (backbone legacy not-translated): explained, so it
                     does not fail the check; listed and counted all the same

Exit codes: 0 no unexplained difference; 1 differences found; 7 the legacy database, the tower's
store or Kafka could not be read."""


def register(actions: Any) -> None:
    parser = actions.add_parser(
        "reconcile",
        help="compare the legacy database with the control tower; exit 1 on differences",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--procedure", choices=[p.value for p in Procedure], help="only this procedure's cases"
    )
    parser.add_argument("--json", action="store_true", help="one JSON document (the API's)")
    parser.add_argument(
        "--limit", type=_at_least_zero, default=50, help="list at most this many differences (default 50)"
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="first wait up to this long until the tower has read the legacy bridge's topic to its "
        "end; the report says if it had not (default 0: compare at once)",
    )
    parser.set_defaults(handler=_reconcile)


def _at_least_zero(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("--limit: at least 0")
    return value


def _reconcile(arguments: argparse.Namespace) -> int:
    system = System.for_command("control_tower")
    backbone = open_backbone(system)
    try:
        backbone.settle()
        if arguments.settle > 0 and not arguments.json:
            print(f"waiting up to {arguments.settle:g} s for the tower to catch up", file=sys.stderr)
        result = reconcile_legacy(
            system.settings_for("control_tower"),
            lambda: backbone.tower,
            system.clock,
            procedure=arguments.procedure,
            settle_seconds=arguments.settle,
        )
    finally:
        backbone.close()
    if arguments.json:
        print(json.dumps(reconciliation_document(result, arguments.limit), indent=2))
    else:
        print(_text(result, arguments.limit))
    return ExitCode.PROBLEMS_FOUND if result.unexplained else ExitCode.OK


def _text(result: Reconciliation, limit: int) -> str:
    explained = len(result.differences) - len(result.unexplained)
    lines = [
        f"legacy reconciliation at {result.at:%Y-%m-%d %H:%M:%S} "
        f"({result.procedure or 'every procedure'}): "
        f"{result.compared} cases in both, {len(result.unexplained)} differences"
        + (f", {explained} explained (rows the bridge refuses)" if explained else "")
    ]
    if not result.caught_up:
        behind = ", ".join(f"{s} {n}" for s, n in sorted(result.behind.items()) if n)
        lines.append(f"the tower had not caught up with the legacy bridge (events behind: {behind})")
    lines.append(f"\n{'procedure':<24}{'stage':<24}{'legacy':>8}{'tower':>8}")
    for count in result.counts:
        mark = "" if count.legacy == count.tower else "  <>"
        lines.append(f"{count.procedure:<24}{count.stage:<24}{count.legacy:>8}{count.tower:>8}{mark}")
    if result.differences:
        lines.append("\ndifferences:")
    for difference in result.differences[:limit]:
        lines.append(
            f"  {difference.reason:<18} {difference.zaaknummer or difference.case_id:<16} "
            f"{difference.procedure:<22} legacy: {difference.legacy or '-'}  "
            f"tower: {difference.tower or '-'}"
        )
    if len(result.differences) > limit:
        lines.append(f"  ... and {len(result.differences) - limit} more (--limit, --json)")
    return "\n".join(lines)
