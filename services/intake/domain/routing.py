"""Intake's front door during the renewal: an application of a procedure the legacy case system still
owns (``ind.routing``) is refused, not recorded. Recording it here too would make two systems of
record for one application; the legacy system registers it, and the legacy bridge brings it into the
control tower. The applicant's counter (or client) is told where it belongs."""

from __future__ import annotations

from datetime import date

from backbone.errors import DomainRuleViolation
from ind.procedures import Procedure
from ind.routing import OwningSystem, RoutingTable


class RoutedToLegacy(DomainRuleViolation):
    """The procedure belongs to the legacy case system for this day of receipt; nothing was recorded."""

    http_status = 409
    code = "routed_to_legacy"


def refuse_unless_the_backbone_owns(routing: RoutingTable, procedure: Procedure, received_on: date) -> None:
    if routing.owner(procedure, received_on) is OwningSystem.BACKBONE:
        return
    route = routing.route_of(procedure)
    until = (
        f"received before its cutover on {route.cutover_on.isoformat()}"
        if route is not None and route.cutover_on is not None
        else "(no cutover planned)"
    )
    raise RoutedToLegacy(
        f"procedure: {procedure.value} applications {until} belong to the legacy case system "
        f"(routing table {routing.version}); register it there: nothing was recorded here"
    )
