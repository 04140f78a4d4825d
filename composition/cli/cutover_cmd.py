"""``backbone legacy cutover`` and ``backbone legacy conflicts`` (docs/legacy.md, "Cutover")."""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from typing import Any

from composition import legacy_cutover
from composition.cli.exit_codes import ExitCode
from composition.cli.progress import ProgressBar
from composition.parts import routing_of
from composition.system import System
from ind.procedures import Procedure
from services.legacy_bridge.application.handover import conflicts

CUTOVER_HELP = """\
Move the in-flight legacy cases of one procedure to the backbone: each keeps its case id and its
statutory clock (received, suspended, extended, days used). In flight: not decided, closed, withdrawn
or removed. Run --dry-run first: it lists what would move (counts per stage) and the cases that cannot
move, and why, and changes nothing. The real run needs the routing table (BACKBONE_ROUTING_FILE) to
route the procedure to the legacy system with cutover_on equal to --on; otherwise it is refused (exit
5). It is exactly once and resumable: run it again after a crash and it finishes the rest.
--rollback returns every moved case to the legacy system, until the point of no return: the day given
with --point-of-no-return at the cutover (default: cutover day + 14), or the first backbone decision on
a moved case, whichever comes first; after it, the rollback is refused (exit 5) and says why.
"""


def register_actions(actions: Any) -> None:
    cutover = actions.add_parser(
        "cutover",
        help="move a procedure's in-flight legacy cases to the backbone (or roll that back)",
        description=CUTOVER_HELP,
    )
    cutover.add_argument("--procedure", required=True, choices=[p.value for p in Procedure])
    cutover.add_argument("--on", required=True, type=date.fromisoformat, help="the cutover day")
    cutover.add_argument("--dry-run", action="store_true", help="list what would happen; change nothing")
    cutover.add_argument("--rollback", action="store_true", help="return the cutover's cases to legacy")
    cutover.add_argument(
        "--point-of-no-return",
        type=date.fromisoformat,
        help="from this day on the cutover cannot be rolled back (default: --on + 14 days)",
    )
    cutover.add_argument(
        "--today", type=date.fromisoformat, help="the day a rollback is asked on (default: today)"
    )
    cutover.add_argument("--batch-size", type=int, default=200, help="cases per transaction (200)")
    cutover.add_argument("--json", action="store_true", help="the result as one JSON object")
    cutover.set_defaults(handler=_cutover)
    listing = actions.add_parser(
        "conflicts", help="legacy writes to cases the backbone owns since a cutover, oldest first"
    )
    listing.add_argument("--after", type=int, default=0, help="only those after this position")
    listing.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=_conflicts)


def _cutover(arguments: argparse.Namespace) -> int:
    procedure, on = Procedure(arguments.procedure), arguments.on
    system = System.for_command("legacy_bridge")
    started = time.perf_counter()
    try:
        if arguments.dry_run:
            _print(_plan_document(legacy_cutover.plan(system, procedure, on)), arguments.json)
            return ExitCode.OK
        bar = None if arguments.json else ProgressBar(f"cutover {procedure.value}", "cases")
        if arguments.rollback:
            undone = legacy_cutover.roll_back(
                system,
                system.cutover_ledger,
                procedure,
                on,
                today=arguments.today or date.today(),
                batch_size=arguments.batch_size,
                progress=bar,
            )
            document: dict[str, Any] = {"cutover_id": str(undone.cutover_id), "returned": undone.returned}
        else:
            result = legacy_cutover.run(
                system,
                system.cutover_ledger,
                routing_of(system.settings),
                procedure,
                on,
                point_of_no_return=arguments.point_of_no_return,
                batch_size=arguments.batch_size,
                progress=bar,
            )
            document = {
                "cutover_id": str(result.cutover_id),
                "moved_now": result.moved_now,
                "handed_over_now": result.handed_over_now,
                "total": result.total,
                "point_of_no_return": result.point_of_no_return.isoformat(),
                "refused": [_refusal(r) for r in result.refused],
            }
        document["seconds"] = round(time.perf_counter() - started, 2)
        _print(document, arguments.json)
        return ExitCode.OK
    finally:
        system.close()


def _plan_document(plan: legacy_cutover.CutoverPlan) -> dict[str, Any]:
    return {
        "procedure": plan.procedure.value,
        "on": plan.on.isoformat(),
        "cutover_id": str(plan.cutover_id),
        "in_flight": len(plan.cases),
        "per_stage": plan.per_stage(),
        "already_moved": plan.already_moved,
        "refused": [_refusal(r) for r in plan.refused],
    }


def _refusal(refusal: legacy_cutover.Refusal) -> dict[str, str]:
    return {"case_id": str(refusal.case_id), "zaaknummer": refusal.zaaknummer, "reason": refusal.reason}


def _print(document: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(document))
        return
    for key, value in document.items():
        if key == "refused":
            print(f"refused: {len(value)}")
            for refusal in value:
                print(f"  {refusal['zaaknummer']}  {refusal['reason']}")
        else:
            print(f"{key}: {value}")


def _conflicts(arguments: argparse.Namespace) -> int:
    system = System.for_command("legacy_bridge")
    try:
        records = conflicts(system.legacy_bridge, after=arguments.after, limit=arguments.limit)
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
                        "cutover_id": str(record.cutover_id),
                        "table": record.table,
                        "legacy_status": record.legacy_status,
                        "changed": record.changed,
                        "occurred_at": record.occurred_at.isoformat(),
                    }
                )
            )
        else:
            print(
                f"{record.position:>8}  {record.occurred_at:%Y-%m-%d %H:%M}  {record.zaaknummer}  "
                f"{record.table}: {', '.join(record.changed)} (status {record.legacy_status})"
            )
    return ExitCode.OK
