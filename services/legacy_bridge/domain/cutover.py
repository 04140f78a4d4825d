"""The Cutover aggregate: one procedure moving from the legacy case system to the backbone on one day.

Its id is derived from the procedure and the day, so a re-run of the same cutover (after a crash) finds
it. It keeps the cutover's own state: started (with its point of no return), cases done, finished,
rolled back. Which case was moved is not kept here but on the cases themselves (the legacy case's
LegacyCaseHandedOver, the backbone's CaseTakenOverFromLegacy), each recorded once: that is what makes
a re-run move every case exactly once. No I/O.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from backbone.errors import DomainRuleViolation
from ind.procedures import Procedure

# Fixed for ever: changing it gives every cutover another id.
CUTOVER_IDS = UUID("9a7e3c52-1b4d-5f60-8e2a-3c4d5e6f7a8b")
DEFAULT_POINT_OF_NO_RETURN_DAYS = 14


def cutover_id(procedure: Procedure, on: date) -> UUID:
    return uuid5(CUTOVER_IDS, f"{procedure.value}/{on.isoformat()}")


class CutoverRuleViolation(DomainRuleViolation):
    """The cutover's state does not allow this; nothing was recorded."""


class Cutover(Aggregate):
    """Dates are kept as ISO text: the ledger's store is private (no topic, no Avro schema)."""

    class Started(Aggregate.Created):
        procedure: str
        cutover_on: str
        point_of_no_return: str
        routing_version: str
        in_flight: int

    class CasesDone(Aggregate.Event):
        cases: int

        def apply(self, aggregate: Cutover) -> None:
            aggregate.cases_done += self.cases

    class Finished(Aggregate.Event):
        cases: int

        def apply(self, aggregate: Cutover) -> None:
            aggregate.finished, aggregate.cases_done = True, self.cases

    class RolledBack(Aggregate.Event):
        cases: int

        def apply(self, aggregate: Cutover) -> None:
            aggregate.rolled_back, aggregate.cases_returned = True, self.cases

    @classmethod
    def start(
        cls,
        procedure: Procedure,
        on: date,
        *,
        point_of_no_return: date,
        routing_version: str,
        in_flight: int,
    ) -> Cutover:
        if point_of_no_return < on:
            raise CutoverRuleViolation(
                f"point_of_no_return: {point_of_no_return} comes before the cutover day {on}"
            )
        return cls._create(
            cls.Started,
            id=cutover_id(procedure, on),
            procedure=procedure.value,
            cutover_on=on.isoformat(),
            point_of_no_return=point_of_no_return.isoformat(),
            routing_version=routing_version,
            in_flight=in_flight,
        )

    def __init__(
        self,
        procedure: str,
        cutover_on: str,
        point_of_no_return: str,
        routing_version: str,
        in_flight: int,
    ) -> None:
        self.procedure = Procedure(procedure)
        self.cutover_on = date.fromisoformat(cutover_on)
        self.point_of_no_return = date.fromisoformat(point_of_no_return)
        self.routing_version = routing_version
        self.in_flight = in_flight
        self.cases_done = 0
        self.finished = False
        self.rolled_back = False
        self.cases_returned = 0

    def record_cases_done(self, cases: int) -> None:
        self._require_not_rolled_back("move cases of")
        if cases > 0:
            self.trigger_event(self.CasesDone, cases=cases)

    def finish(self, cases: int) -> None:
        """``cases``: the cutover's cases in the backbone, counted on the cases themselves. The progress
        of CasesDone is recorded after each batch, in the ledger's own transaction: a run killed between
        a batch and its progress leaves it one batch behind, which the count at the end corrects."""
        self._require_not_rolled_back("finish")
        if not self.finished or cases != self.cases_done:
            self.trigger_event(self.Finished, cases=cases)

    def roll_back(self, cases: int) -> None:
        self._require_not_rolled_back("roll back")
        self.trigger_event(self.RolledBack, cases=cases)

    def _require_not_rolled_back(self, action: str) -> None:
        if self.rolled_back:
            raise CutoverRuleViolation(
                f"cannot {action} the cutover of {self.procedure.value} on {self.cutover_on}: "
                "it was rolled back"
            )
