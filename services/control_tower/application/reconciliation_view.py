"""The last reconciliation of the legacy tables with the tower, as a JSON document: for the terminal
(``backbone legacy reconcile --json``), the dashboard and ``/v1/legacy/reconciliation``."""

from __future__ import annotations

from typing import Any

from services.control_tower.domain.reconciliation import REASONS, Reconciliation


def reconciliation_document(result: Reconciliation, limit: int | None = None) -> dict[str, Any]:
    """``limit``: list at most that many differences (all are counted)."""
    shown = result.differences if limit is None else result.differences[:limit]
    by_reason = {reason: 0 for reason in REASONS}
    for difference in result.differences:
        by_reason[difference.reason] += 1
    return {
        "at": result.at.isoformat(),
        "today": result.today.isoformat(),
        "procedure": result.procedure,
        "caught_up": result.caught_up,
        "behind": result.behind,
        "compared": result.compared,
        "differences_total": len(result.differences),
        "unexplained_total": len(result.unexplained),
        "by_reason": by_reason,
        "counts": [
            {"procedure": c.procedure, "stage": c.stage, "legacy": c.legacy, "tower": c.tower}
            for c in result.counts
        ],
        "differences": [
            {
                "case_id": d.case_id,
                "zaaknummer": d.zaaknummer,
                "procedure": d.procedure,
                "reason": d.reason,
                "explained": d.explained,
                "legacy": d.legacy,
                "tower": d.tower,
            }
            for d in shown
        ],
    }
