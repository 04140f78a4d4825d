"""Where cutovers keep their own state: a small event-sourced store of Cutover aggregates, beside the
bridge's. Private to the cutover command: nothing here is relayed to a topic (the cases' own events
say what moved), so its events are stored as JSON, not Avro."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from ind.procedures import Procedure
from services.legacy_bridge.domain.cutover import Cutover, cutover_id


class CutoverLedger(Application[UUID]):
    name = "legacy_cutover"

    def find(self, procedure: Procedure, on: date) -> Cutover | None:
        try:
            cutover: Cutover = self.repository.get(cutover_id(procedure, on))
        except AggregateNotFoundError:
            return None
        return cutover
