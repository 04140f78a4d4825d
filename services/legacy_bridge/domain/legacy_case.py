"""The LegacyCase aggregate: one legacy case (zaak) as the backbone sees it, changed by the legacy rows'
changes. Its id is derived from the zaaknummer, so the same case always has the same id."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from services.legacy_bridge.domain.changes import LegacyChange, NotTranslated, StatusEntry
from services.legacy_bridge.domain.events import (
    LegacyCaseEvent,
    LegacyCaseHandedOver,
    LegacyCaseObserved,
    LegacyCaseRemoved,
    LegacyCaseReturned,
    LegacyChangeNotTranslated,
    LegacyStatusHistoryObserved,
    LegacyWriteToMigratedCase,
    history_record,
)
from services.legacy_bridge.domain.legacy_codes import CASES, STATUS_HISTORY
from services.legacy_bridge.domain.mimic import written_by_mimic
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
# The stages of a case the legacy system is done with: such a case is not in flight, no cutover moves it.
FINISHED_STAGES = frozenset({"decided", "closed", "withdrawn"})
RETURNED = "returned_to_legacy"  # the ``changed`` of the observation that follows a return


def legacy_case_id(zaaknummer: str) -> UUID:
    return uuid5(LEGACY_CASE_IDS, zaaknummer)


class LegacyCase(Aggregate):
    # No created event of its own: a case's first event may be any (see LegacyCaseEvent).
    Event = LegacyCaseEvent

    row: CaseRow | None
    current: TranslatedCase | None
    history: dict[int, StatusEntry]
    removed: bool
    handed_over_in: UUID | None  # the cutover that handed the case to the backbone, while it owns it
    returned_from: UUID | None  # the cutover whose rollback returned it, if one did
    last_refused: bool  # its last change was refused (LegacyChangeNotTranslated)

    @classmethod
    def blank(cls, case_id: UUID, at: datetime) -> LegacyCase:
        """A case the bridge knows nothing of yet (version 0); its first event makes it known."""
        case = cls.__new__(cls)
        case.__base_init__(originator_id=case_id, originator_version=0, timestamp=at)
        case.row = case.current = None
        case.history = {}
        case.removed = False
        case.handed_over_in = case.returned_from = None
        case.last_refused = False
        return case

    @property
    def in_flight(self) -> bool:
        """Known, not removed, not finished in the legacy system and not handed over."""
        return (
            self.current is not None
            and not self.removed
            and self.handed_over_in is None
            and self.current.stage not in FINISHED_STAGES
        )

    def hand_over(self, cutover_id: UUID, on: date, meta: dict[str, Any]) -> bool:
        """Mark the case as the backbone's from a cutover; False (nothing recorded) if it already is."""
        if self.handed_over_in == cutover_id:
            return False
        if not self.in_flight or self.current is None:
            raise ValueError(f"legacy case {self.id} is not in flight: it cannot be handed over")
        self.trigger_event(
            LegacyCaseHandedOver,
            **meta,
            zaaknummer=self.current.zaaknummer,
            cutover_id=cutover_id,
            handed_over_on=on,
        )
        return True

    def take_back(self, cutover_id: UUID, on: date, meta: dict[str, Any]) -> bool:
        """The rollback of ``cutover_id``: the legacy system owns the case again, and the bridge says
        what it knows of it again (a LegacyCaseObserved). False (nothing recorded) if not handed over in
        that cutover."""
        if self.handed_over_in != cutover_id or self.current is None or self.row is None:
            return False
        self.trigger_event(
            LegacyCaseReturned,
            **meta,
            zaaknummer=self.current.zaaknummer,
            cutover_id=cutover_id,
            returned_on=on,
        )
        self._record_observed(self.current, self.row.changed_on, [RETURNED], meta)
        return True

    def observe(self, change: LegacyChange, pseudonymise: Pseudonymise, meta: dict[str, Any]) -> None:
        """Apply one legacy change; records an event when the translated case changed or the row was
        refused, and nothing when the change touched nothing the backbone knows (e.g. an address)."""
        if self.handed_over_in is not None:
            self._conflict(change, pseudonymise, meta)
        elif change.table == CASES:
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

    def _conflict(self, change: LegacyChange, pseudonymise: Pseudonymise, meta: dict[str, Any]) -> None:
        """A legacy write to a case the backbone owns: recorded as a conflict if it would have changed
        what the backbone knows of the case; the case's observed state stays as it was handed over. The
        legacy mimic's writes (``mimic.py``) are expected: they record nothing."""
        if written_by_mimic(change):
            return
        changed = self._would_change(change, pseudonymise)
        if not changed:
            return
        row = change.after or {}
        self.trigger_event(
            LegacyWriteToMigratedCase,
            **meta,
            zaaknummer=change.zaaknummer,
            cutover_id=self.handed_over_in,
            legacy_table=change.table,
            legacy_status=row.get("status") if change.table == CASES else None,
            changed=changed,
        )

    def _would_change(self, change: LegacyChange, pseudonymise: Pseudonymise) -> list[str]:
        if change.deleted and change.table == CASES:
            return ["removed"]
        row: CaseRow | NotTranslated | None = self.row
        history = dict(self.history)
        earlier = self.current
        if change.table == CASES:
            row = case_row(change, pseudonymise)
            before = _row_before(change, pseudonymise)
            if isinstance(before, CaseRow) and isinstance(row, CaseRow):
                # The mimic keeps a moved case's row current, so the row a caseworker changes may hold
                # the mimic's writes, which are no conflict: only what this write itself changes is.
                if replace(row, changed_on=before.changed_on) == before:
                    return []
                earlier = translated(before, history.values())
        elif change.deleted:
            history.pop(int(change.row["id"]), None)
        else:
            entry = status_entry(change)
            if isinstance(entry, NotTranslated):
                return [entry.column]
            history[entry.entry_id] = entry
        if isinstance(row, NotTranslated):
            return [row.column]
        if row is None:
            return []
        return translated(row, history.values()).changes_from(earlier)

    def _observed(self, row: CaseRow, history: dict[int, StatusEntry], meta: dict[str, Any]) -> None:
        case = translated(row, history.values())
        if case == self.current:
            return  # e.g. an address corrected, or only the row's change day moved: nothing to say
        self._record_observed(case, row.changed_on, case.changes_from(self.current), meta)

    def _record_observed(
        self, case: TranslatedCase, changed_on: date, changed: list[str], meta: dict[str, Any]
    ) -> None:
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
            legacy_changed_on=changed_on,
            changed=changed,
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


def _row_before(change: LegacyChange, pseudonymise: Pseudonymise) -> CaseRow | NotTranslated | None:
    """An update's case row as it was before the update (the change records carry the whole old row)."""
    if change.op != "u" or change.before is None:
        return None
    return case_row(replace(change, after=change.before), pseudonymise)
