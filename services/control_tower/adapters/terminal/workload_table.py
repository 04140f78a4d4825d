"""The workload (open cases by procedure and stage) as a terminal table, or as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from services.control_tower.projections.workload import STAGE_ORDER, WorkloadRow


def workload_table(rows: Sequence[WorkloadRow]) -> str:
    procedures = sorted({r.procedure for r in rows})
    counts = {(r.procedure, r.stage): r.open_cases for r in rows}
    header = ["procedure", *STAGE_ORDER, "open"]
    body = []
    for procedure in procedures:
        cells = [counts.get((procedure, stage), 0) for stage in STAGE_ORDER]
        body.append([procedure, *map(str, cells), str(sum(cells))])
    totals = [sum(counts.get((p, s), 0) for p in procedures) for s in STAGE_ORDER]
    body.append(["total", *map(str, totals), str(sum(totals))])
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in body[:-1]), rule, line(body[-1])])


def workload_json(rows: Sequence[WorkloadRow], **extra: Any) -> str:
    return json.dumps(
        {
            **extra,
            "open_cases": [
                {"procedure": r.procedure, "stage": r.stage, "open_cases": r.open_cases} for r in rows
            ],
            "total_open_cases": sum(r.open_cases for r in rows),
        },
        indent=2,
        default=str,
    )
