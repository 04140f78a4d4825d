"""The legacy bridge: the anti-corruption layer between the legacy case system and the backbone.

It applies the legacy rows' changes to one LegacyCase aggregate per legacy case, and records the
resulting events and the change streams' positions in one transaction: a redelivered change is
skipped, a crash loses nothing. Its notification log is the outbox of ``ind.legacy.cases.v1``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import structlog
from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.persistence import Tracking
from eventsourcing.utils import EnvType

from backbone.clock import Clock
from backbone.codec import AvroCodec
from backbone.pseudonyms import applicant_ref
from backbone.service import CaseService
from services.legacy_bridge.application.change_items import ChangeItem
from services.legacy_bridge.application.metrics import CHANGES_NOT_TRANSLATED
from services.legacy_bridge.domain.events import LegacyChangeNotTranslated
from services.legacy_bridge.domain.legacy_case import LegacyCase, legacy_case_id

log = structlog.get_logger("legacy_bridge")
NOT_TRANSLATED = LegacyChangeNotTranslated.TOPIC
# The CloudEvents source of the bridge's events: they happened in the legacy case system, not in a
# backbone service (the NL GOV profile's source is where the event happened).
LEGACY_SOURCE = "urn:nld:ind:legacy:case-system"


@dataclass(frozen=True)
class NotTranslatedRecord:
    """One refused change, as the bridge lists them."""

    position: int  # in the bridge's notification log
    case_id: UUID
    zaaknummer: str
    table: str
    column: str
    rule: str
    code: str | None
    occurred_at: datetime


class LegacyBridge(CaseService):
    name = "legacy_bridge"
    aggregate_kind = "legacy case"

    def __init__(self, *, env: EnvType, codec: AvroCodec, clock: Clock, pepper: bytes) -> None:
        self._pepper = pepper
        super().__init__(env=env, codec=codec, clock=clock)

    def pseudonymise(self, bsn: str) -> str:
        return applicant_ref(self._pepper, bsn)

    def keyed_digest(self, data: bytes) -> str:
        """A digest of ``data`` that only holders of the pepper can make (HMAC-SHA256): to know a
        legacy row again without keeping its BSN, which a plain hash of nine digits would give away."""
        return hmac.new(self._pepper, data, hashlib.sha256).hexdigest()

    def max_position(self, stream: str) -> int | None:
        """The next offset to read from ``stream`` (the last applied one + 1), None if none was."""
        return self.process_recorder.max_tracking_id(stream)

    def process(self, items: Sequence[ChangeItem], tracking: Tracking) -> None:
        """Apply ``items`` (all of one stream, new ones) and record ``tracking``, in one transaction."""
        processing = ProcessingEvent[UUID](tracking)
        cases: dict[UUID, LegacyCase] = {}
        now = self.clock.now()
        for item in items:
            change = item.change
            if change is None:
                continue
            case_id = legacy_case_id(change.zaaknummer)
            if case_id not in cases:
                cases[case_id] = self._case_or_blank(case_id, change.committed_at)
            meta: dict[str, Any] = {
                "timestamp": now,
                "occurred_at": change.committed_at,
                "correlation_id": item.correlation_id,
                "causation_id": None,
            }
            cases[case_id].observe(change, self.pseudonymise, meta)
        processing.collect_events(*cases.values())
        self._notify(self._record(processing))
        for event in processing.events:  # said once committed, never for a rolled-back batch
            if isinstance(event, LegacyChangeNotTranslated):
                CHANGES_NOT_TRANSLATED.labels(event.legacy_table, event.rule).inc()
                log.warning(
                    "legacy_change_not_translated",
                    case_id=str(event.originator_id),
                    zaaknummer=event.zaaknummer,
                    table=event.legacy_table,
                    column=event.column,
                    rule=event.rule,
                    code=event.code,
                )

    def record_processing(self, processing: ProcessingEvent[UUID]) -> None:
        """Record the events a cutover collected on legacy cases, in one transaction."""
        self._notify(self._record(processing))

    def _case_or_blank(self, case_id: UUID, at: datetime) -> LegacyCase:
        try:
            case: LegacyCase = self.repository.get(case_id)
        except AggregateNotFoundError:
            return LegacyCase.blank(case_id, at)
        return case

    def legacy_case(self, zaaknummer: str) -> LegacyCase:
        case: LegacyCase = self.load(legacy_case_id(zaaknummer))
        return case

    def not_translated(self, after: int = 0, limit: int = 100) -> list[NotTranslatedRecord]:
        """The refused changes, oldest first, from after the notification ``after``."""
        notifications = self.recorder.select_notifications(
            start=after, limit=limit, topics=[NOT_TRANSLATED], inclusive_of_start=False
        )
        records = []
        for notification in notifications:
            record = self.codec.decode_body(NOT_TRANSLATED, notification.state)
            records.append(
                NotTranslatedRecord(
                    position=notification.id,
                    case_id=UUID(str(record["meta"]["aggregate_id"])),
                    zaaknummer=record["zaaknummer"],
                    table=record["legacy_table"],
                    column=record["column"],
                    rule=record["rule"],
                    code=record["code"],
                    occurred_at=record["meta"]["occurred_at"],
                )
            )
        return records
