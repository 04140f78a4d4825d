"""The legacy case system's cases in the tower, from the legacy bridge's events (docs/legacy.md).

``LegacyCaseObserved`` carries the whole translated case (event-carried state), so it replaces what the
tower knew of the case, if it is later (by aggregate version) than what made it; the case's deadline
comes from the same statutory clock as the backbone's (``domain/legacy_clock.py``).
``LegacyCaseRemoved`` takes the case out of every view. The bridge's other events change no view; they
are only counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ind.procedures import Procedure
from services.control_tower.domain.legacy_clock import legacy_clock

LEGACY_CASE_OBSERVED = "nl.ind.legacy.LegacyCaseObserved"
LEGACY_CASE_REMOVED = "nl.ind.legacy.LegacyCaseRemoved"
# Counted, and nothing else: history rows waiting for their case row, and rows the bridge refused.
COUNTED_ONLY = frozenset(
    {"nl.ind.legacy.LegacyStatusHistoryObserved", "nl.ind.legacy.LegacyChangeNotTranslated"}
)
ENDED_STAGES = frozenset({"closed", "withdrawn"})  # the bridge's stages of a case no longer open

BACKBONE = "backbone"
LEGACY = "legacy"
SYSTEMS = (BACKBONE, LEGACY)  # the systems that own cases; each case's facts say which


def legacy_stage(data: Mapping[str, Any]) -> tuple[str, bool]:
    """The stage of an observed legacy case, and whether the case is still open."""
    stage = str(data["stage"])
    return stage, stage not in ENDED_STAGES


def observe_legacy_case(
    row: dict[str, Any], data: Mapping[str, Any], rank: int, empty: dict[str, Any]
) -> None:
    """Replace the facts in ``row`` (the CaseFacts fields) by the observed case's, unless ``row`` was
    made from a later event (``deadline_rank``). ``empty``: the fields of a case the tower knows nothing
    of, so that nothing of the earlier state survives."""
    if rank <= row["deadline_rank"]:
        return
    procedure = Procedure(data["procedure"])
    received_on = data["received_on"]
    clock = legacy_clock(
        procedure, received_on, data["policy_version"], data["suspended_days"], data["extended"]
    )
    kept = {name: row[name] for name in ("case_id", "taken_over", "returned", "legacy_returned")}
    row.update(empty)
    row.update(
        **kept,
        system=LEGACY,
        procedure=procedure.value,
        received_on=received_on,
        accepted_on=received_on,  # ONTV: the legacy system has accepted a case as it receives it
        statutory_deadline=clock.statutory_deadline,
        deadline_rank=rank,
        suspended_since=data["suspended_since"],
        penalty_applies=clock.penalty_applies,
        decided_on=data["decided_on"],
        ended_on=data["ended_on"],
        team=data["team_code"],
    )
