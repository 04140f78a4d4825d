"""Which system owns a case that a cutover moved, whatever the order in which the two streams arrive.

A migrated case keeps its id, so the legacy bridge's events and decision's events are of one case, in
one row of every view: it is never counted twice. But the two topics are not ordered relative to each
other, so each event asks the case's row whether the system that sent it owns the case at that point:

- a takeover seen (LegacyCaseHandedOver or CaseTakenOverFromLegacy, whichever came first): the legacy
  bridge's observations no longer change the case; a late one from before the handover is ignored;
- a return seen (CaseReturnedToLegacy or LegacyCaseReturned): decision's events no longer change it;
- the bridge's observations after its LegacyCaseReturned (its own stream is ordered, so these are the
  ones after the return) change it again, ranked above every decision event (``RETURNED_RANK_BASE``).

Decision's ranks sit above the bridge's ranks from before a handover (``workload.SERVICE_RANK``), so
the takeover moves the case's stage and facts to the backbone's.
"""

from __future__ import annotations

from typing import Any

from backbone.envelope import Envelope
from services.control_tower.projections.legacy_cases import BACKBONE, LEGACY
from services.control_tower.projections.workload import VERSIONS_PER_SERVICE, event_rank

TAKEN_OVER = "nl.ind.decision.CaseTakenOverFromLegacy"
RETURNED_TO_LEGACY = "nl.ind.decision.CaseReturnedToLegacy"
HANDED_OVER = "nl.ind.legacy.LegacyCaseHandedOver"
LEGACY_RETURNED = "nl.ind.legacy.LegacyCaseReturned"
TRANSFER_EVENTS = frozenset({TAKEN_OVER, RETURNED_TO_LEGACY, HANDED_OVER, LEGACY_RETURNED})
RETURNED_RANK_BASE = 4 * VERSIONS_PER_SERVICE  # above decision's (2) and intake's (1)
OWNERSHIP_FIELDS = ("taken_over", "returned", "legacy_returned")


def owned_rank(row: dict[str, Any], envelope: Envelope) -> int | None:
    """The rank ``envelope`` changes the case's views with, or None if the system that sent it does not
    own the case (then it changes no stage and no fact). Notes a transfer in ``row``."""
    schema = envelope.schema
    rank = event_rank(envelope)
    if schema in (HANDED_OVER, TAKEN_OVER):
        row["taken_over"] = True
        if row["returned"]:
            return None  # the rollback was seen first: the case is the legacy system's again
        row["system"] = BACKBONE
        return rank
    if schema in (LEGACY_RETURNED, RETURNED_TO_LEGACY):
        row["returned"], row["system"] = True, LEGACY
        if schema == LEGACY_RETURNED:
            row["legacy_returned"] = True
        return rank
    if schema.startswith("nl.ind.legacy."):
        if row["legacy_returned"]:
            return RETURNED_RANK_BASE + envelope.sequence
        return None if row["taken_over"] else rank
    if schema.startswith("nl.ind.decision.") and row["returned"]:
        return None
    return rank
