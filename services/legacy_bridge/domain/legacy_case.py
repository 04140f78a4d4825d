"""The LegacyCase aggregate: one legacy case (zaak) as the backbone sees it, changed by the legacy rows'
changes. Its id is derived from the zaaknummer, so the same case always has the same id."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from services.legacy_bridge.domain.changes import LegacyChange, NotTranslated, StatusEntry
from services.legacy_bridge.domain.events import (
    LegacyCaseEvent,
    LegacyCaseObserved,
    LegacyCaseRemoved,
    LegacyChangeNotTranslated,
    LegacyStatusHistoryObserved,
    history_record,
)
from services.legacy_bridge.domain.legacy_codes import CASES, STATUS_HISTORY
from services.legacy_bridge.domain.translation import (
    CaseRow,
    Pseudonymise,
    TranslatedCase,
    case_row,
    status_entry,
    translated,
)

# Fixed for ever: changing it gives every legacy case another id.
LEGACY_CASE_IDS = UUID("5d3c1a7e-8f2b-5c4d-9e61-0a7b3c2d1e4f")


def legacy_case_id(zaaknummer: str) -> UUID:
    return uuid5(LEGACY_CASE_IDS, zaaknummer)


class LegacyCase(Aggregate):
    # No created event of its own: a case's first event may be any (see LegacyCaseEvent).
    Event = LegacyCaseEvent

    row: CaseRow | None
    current: TranslatedCase | None
    history: dict[int, StatusEntry]
    removed: bool

    @classmethod
    def blank(cls, case_id: UUID, at: datetime) -> LegacyCase:
        """A case the bridge knows nothing of yet (version 0); its first event makes it known."""
        case = cls.__new__(cls)
        case.__base_init__(originator_id=case_id, originator_version=0, timestamp=at)
        case.row = case.current = None
        case.history = {}
        case.removed = False
        return case

    def observe(self, change: LegacyChange, pseudonymise: Pseudonymise, meta: dict[str, Any]) -> None:
        """Apply one legacy change; records an event when the translated case changed or the row was
        refused, and nothing when the change touched nothing the backbone knows (e.g. an address)."""
        if change.table == CASES:
            self._observe_case_row(change, pseudonymise, meta)
        elif change.table == STATUS_HISTORY:
            self._observe_history_row(change, meta)
        else:
            raise ValueError(f"table {change.table!r}: the bridge reads only {CASES} and {STATUS_HISTORY}")

    def _observe_case_row(
        self, change: LegacyChange, pseudonymise: Pseudonymise, meta: dict[str, Any]
    ) -> None:
        if change.deleted:
            if self.row is not None:
                status = self.row.status
                self.trigger_event(
                    LegacyCaseRemoved, **meta, zaaknummer=change.zaaknummer, legacy_status=status
                )
            return
        row = case_row(change, pseudonymise)
        if isinstance(row, NotTranslated):
            self._refuse(row, meta)
            return
        self._observed(row, self.history, meta)

    def _observe_history_row(self, change: LegacyChange, meta: dict[str, Any]) -> None:
        if self.removed:
            return  # the history of a removed case goes with it
        history = dict(self.history)
        if change.deleted:
            history.pop(int(change.row["id"]), None)
        else:
            entry = status_entry(change)
            if isinstance(entry, NotTranslated):
                self._refuse(entry, meta)
                return
            history[entry.entry_id] = entry
        if self.row is not None:
            self._observed(self.row, history, meta)
        elif history != self.history:
            entries = tuple(sorted(history.values()))
            self.trigger_event(
                LegacyStatusHistoryObserved,
                **meta,
                zaaknummer=change.zaaknummer,
                status_history=history_record(entries),
            )

    def _observed(self, row: CaseRow, history: dict[int, StatusEntry], meta: dict[str, Any]) -> None:
        case = translated(row, history.values())
        if case == self.current:
            return  # e.g. an address corrected, or only the row's change day moved: nothing to say
        self.trigger_event(
            LegacyCaseObserved,
            **meta,
            zaaknummer=case.zaaknummer,
            procedure=case.procedure,
            stage=case.stage,
            legacy_status=case.legacy_status,
            received_on=case.received_on,
            policy_version=case.policy_version,
            suspended_since=case.suspended_since,
            suspended_days=case.suspended_days,
            extended=case.extended,
            decided_on=case.decided_on,
            ended_on=case.ended_on,
            team_code=case.team_code,
            applicant_ref=case.applicant_ref,
            status_history=history_record(case.status_history),
            legacy_changed_on=row.changed_on,
            changed=case.changes_from(self.current),
        )

    def _refuse(self, refusal: NotTranslated, meta: dict[str, Any]) -> None:
        self.trigger_event(
            LegacyChangeNotTranslated,
            **meta,
            zaaknummer=refusal.zaaknummer,
            legacy_table=refusal.table,
            column=refusal.column,
            rule=refusal.rule.value,
            code=refusal.code,
        )
