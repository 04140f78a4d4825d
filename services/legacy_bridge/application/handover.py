"""What a cutover asks of the legacy bridge: which legacy cases of a procedure are in flight (and which
cannot move, and why), marking cases as handed over to the backbone, taking them back on a rollback,
and the conflicts: legacy writes to cases the backbone owns.

The cases are found in the bridge's notification log (its observations name each case's procedure),
read in pages; each candidate is then loaded, so what is said is the case's current state.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.application import ProcessingEvent

from ind.procedures import Procedure
from services.legacy_bridge.application.bridge import LegacyBridge
from services.legacy_bridge.domain.events import (
    LegacyCaseObserved,
    LegacyWriteToMigratedCase,
)
from services.legacy_bridge.domain.legacy_case import LegacyCase

OBSERVED, CONFLICT = LegacyCaseObserved.TOPIC, LegacyWriteToMigratedCase.TOPIC
PAGE = 2_000


class Unmovable(StrEnum):
    """Why an in-flight legacy case cannot be taken over."""

    LAST_CHANGE_NOT_TRANSLATED = "last_change_not_translated"  # the legacy row says what we cannot read
    NO_APPLICANT_REF = "no_applicant_ref"  # no BSN: the backbone keys a case's notes by its applicant
    RETURNED_BY_ROLLBACK = "returned_by_rollback"  # taken back once; a second takeover is not built yet


@dataclass(frozen=True)
class ConflictRecord:
    position: int
    case_id: UUID
    zaaknummer: str
    cutover_id: UUID
    table: str
    legacy_status: str | None
    changed: list[str]
    occurred_at: datetime


def cases_of(bridge: LegacyBridge, procedure: Procedure) -> Iterator[LegacyCase]:
    """Every legacy case the bridge has observed with ``procedure``, as it is now (once each)."""
    seen: set[UUID] = set()
    after = 0
    while True:
        page = bridge.recorder.select_notifications(
            start=after, limit=PAGE, topics=[OBSERVED], inclusive_of_start=False
        )
        for notification in page:
            case_id = UUID(str(notification.originator_id))
            if case_id in seen:
                continue
            record = bridge.codec.decode_body(OBSERVED, notification.state)
            if record["procedure"] != procedure.value:
                continue
            seen.add(case_id)
            case: LegacyCase = bridge.repository.get(case_id)
            if case.current is not None and case.current.procedure == procedure:
                yield case
        if len(page) < PAGE:
            return
        after = page[-1].id


def unmovable(case: LegacyCase) -> Unmovable | None:
    if case.returned_from is not None:
        return Unmovable.RETURNED_BY_ROLLBACK
    if case.current is None or case.current.applicant_ref is None:
        return Unmovable.NO_APPLICANT_REF
    if case.last_refused:
        return Unmovable.LAST_CHANGE_NOT_TRANSLATED
    return None


def hand_over(bridge: LegacyBridge, case_ids: Sequence[UUID], cutover_id: UUID, on: date) -> int:
    """Mark the cases as the backbone's, in one transaction; returns how many were marked now (a case
    marked by an earlier run of the same cutover is skipped)."""
    return _change(bridge, case_ids, lambda case, meta: case.hand_over(cutover_id, on, meta))


def take_back(bridge: LegacyBridge, case_ids: Sequence[UUID], cutover_id: UUID, on: date) -> int:
    """The rollback's half in the bridge: the cases are the legacy system's again, observed again."""
    return _change(bridge, case_ids, lambda case, meta: case.take_back(cutover_id, on, meta))


def _change(bridge: LegacyBridge, case_ids: Sequence[UUID], change: Any) -> int:
    processing = ProcessingEvent[UUID]()
    now = bridge.clock.now()
    changed = 0
    for case_id in case_ids:
        case: LegacyCase = bridge.repository.get(case_id)
        meta = {"timestamp": now, "occurred_at": now, "correlation_id": f"cutover:{case_id}"}
        if change(case, {**meta, "causation_id": None}):
            changed += 1
            processing.collect_events(case)
    if processing.events:
        bridge.record_processing(processing)
    return changed


def conflicts(bridge: LegacyBridge, after: int = 0, limit: int = 100) -> list[ConflictRecord]:
    """Legacy writes to cases the backbone owns, oldest first, from after the notification ``after``."""
    notifications = bridge.recorder.select_notifications(
        start=after, limit=limit, topics=[CONFLICT], inclusive_of_start=False
    )
    records = []
    for notification in notifications:
        record = bridge.codec.decode_body(CONFLICT, notification.state)
        records.append(
            ConflictRecord(
                position=notification.id,
                case_id=UUID(str(record["meta"]["aggregate_id"])),
                zaaknummer=record["zaaknummer"],
                cutover_id=UUID(str(record["cutover_id"])),
                table=record["legacy_table"],
                legacy_status=record["legacy_status"],
                changed=list(record["changed"]),
                occurred_at=record["meta"]["occurred_at"],
            )
        )
    return records
