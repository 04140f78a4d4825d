"""What the bridge says about legacy cases. Each class is the Avro record of the same name under
``schemas/legacy/``; ``apply`` is how the LegacyCase aggregate changes. Event-carried state: every
``LegacyCaseObserved`` holds the whole translated case, so a consumer needs no earlier event."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from backbone.events import CaseEvent
from ind.procedures import Procedure
from services.legacy_bridge.domain.changes import StatusEntry
from services.legacy_bridge.domain.translation import CaseRow, TranslatedCase

if TYPE_CHECKING:  # the aggregate imports its events
    from services.legacy_bridge.domain.legacy_case import LegacyCase


class LegacyCaseEvent(CaseEvent):
    """An event of a legacy case. A case's first event may be any of them (a history row can arrive
    before its case row), so the first one makes the aggregate rather than a special created event."""

    def mutate(self, aggregate: Any) -> Any:
        if aggregate is None:
            from services.legacy_bridge.domain.legacy_case import LegacyCase

            aggregate = LegacyCase.blank(self.originator_id, self.timestamp)
        return super().mutate(aggregate)


def history_record(entries: tuple[StatusEntry, ...]) -> list[dict[str, Any]]:
    return [{"entry_id": e.entry_id, "status": e.status, "on": e.on} for e in entries]


def history_of(record: list[dict[str, Any]]) -> dict[int, StatusEntry]:
    return {int(e["entry_id"]): StatusEntry(e["on"], int(e["entry_id"]), e["status"]) for e in record}


class LegacyCaseObserved(LegacyCaseEvent):
    TOPIC = "nl.ind.legacy.LegacyCaseObserved"

    zaaknummer: str
    procedure: Procedure
    stage: str
    legacy_status: str
    received_on: date
    policy_version: str
    suspended_since: date | None
    suspended_days: int
    extended: bool
    decided_on: date | None
    ended_on: date | None
    team_code: str | None
    applicant_ref: str | None
    status_history: list[dict[str, Any]]
    legacy_changed_on: date
    changed: list[str]

    def apply(self, aggregate: LegacyCase) -> None:
        aggregate.last_refused = False
        history = history_of(self.status_history)
        aggregate.history = history
        aggregate.removed = False
        aggregate.row = CaseRow(
            zaaknummer=self.zaaknummer,
            procedure=self.procedure,
            status=self.legacy_status,
            received_on=self.received_on,
            decided_on=self.decided_on,
            team_code=self.team_code,
            applicant_ref=self.applicant_ref,
            changed_on=self.legacy_changed_on,
        )
        aggregate.current = TranslatedCase(
            zaaknummer=self.zaaknummer,
            procedure=self.procedure,
            stage=self.stage,
            legacy_status=self.legacy_status,
            received_on=self.received_on,
            policy_version=self.policy_version,
            suspended_since=self.suspended_since,
            suspended_days=self.suspended_days,
            extended=self.extended,
            decided_on=self.decided_on,
            ended_on=self.ended_on,
            team_code=self.team_code,
            applicant_ref=self.applicant_ref,
            status_history=tuple(sorted(history.values())),
        )


class LegacyStatusHistoryObserved(LegacyCaseEvent):
    """Status history rows of a case whose case row has not arrived yet (another table, another topic)."""

    TOPIC = "nl.ind.legacy.LegacyStatusHistoryObserved"

    zaaknummer: str
    status_history: list[dict[str, Any]]

    def apply(self, aggregate: LegacyCase) -> None:
        aggregate.history = history_of(self.status_history)


class LegacyCaseRemoved(LegacyCaseEvent):
    TOPIC = "nl.ind.legacy.LegacyCaseRemoved"

    zaaknummer: str
    legacy_status: str | None

    def apply(self, aggregate: LegacyCase) -> None:
        aggregate.removed = True
        aggregate.row = aggregate.current = None
        aggregate.history = {}


class LegacyChangeNotTranslated(LegacyCaseEvent):
    TOPIC = "nl.ind.legacy.LegacyChangeNotTranslated"

    zaaknummer: str
    legacy_table: str
    column: str
    rule: str
    code: str | None

    def apply(self, aggregate: LegacyCase) -> None:
        aggregate.last_refused = True  # the legacy row now says something the backbone cannot read


class LegacyCaseHandedOver(LegacyCaseEvent):
    """Handed over to the backbone at a cutover: from now on the bridge observes the case no more."""

    TOPIC = "nl.ind.legacy.LegacyCaseHandedOver"

    zaaknummer: str
    cutover_id: UUID
    handed_over_on: date

    def apply(self, aggregate: LegacyCase) -> None:
        aggregate.handed_over_in = self.cutover_id


class LegacyCaseReturned(LegacyCaseEvent):
    """A cutover was rolled back: the bridge observes the case again (a LegacyCaseObserved follows)."""

    TOPIC = "nl.ind.legacy.LegacyCaseReturned"

    zaaknummer: str
    cutover_id: UUID
    returned_on: date

    def apply(self, aggregate: LegacyCase) -> None:
        aggregate.handed_over_in = None
        aggregate.returned_from = self.cutover_id


class LegacyWriteToMigratedCase(LegacyCaseEvent):
    """The legacy database changed a case the backbone owns: a conflict, not an observation."""

    TOPIC = "nl.ind.legacy.LegacyWriteToMigratedCase"

    zaaknummer: str
    cutover_id: UUID
    legacy_table: str
    legacy_status: str | None
    changed: list[str]
