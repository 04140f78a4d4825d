"""The legacy mimic: from a cutover on, the legacy rows of the moved cases are kept current from the
decision service's events, for the reports that still read the legacy tables (issue 16).

A processor of a tracked consumer (``backbone.consumer``): each batch of decision events, of one stream,
becomes legacy status writes (the rules in ``domain/mimic.py``), written with the stream's position in
one transaction of the legacy database (``adapters/mimic_store.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

import structlog
from eventsourcing.persistence import Tracking

from backbone.feeds.base import FeedItem
from services.legacy_bridge.adapters.mimic_store import LegacyMimicStore, MimicStep
from services.legacy_bridge.application.metrics import MIMIC_ROWS_WRITTEN, MIMIC_WRITES_SKIPPED
from services.legacy_bridge.domain.mimic import mimic_action

log = structlog.get_logger("legacy_mimic")


class LegacyMimic:
    name = "legacy_mimic"

    def __init__(self, store: LegacyMimicStore) -> None:
        self.store = store

    def max_position(self, stream: str) -> int | None:
        position: int | None = self.store.max_tracking_id(stream)
        return position

    def process(self, items: Sequence[FeedItem], tracking: Tracking) -> None:
        steps = [_step(item) for item in items]
        outcome = self.store.apply(steps, tracking)
        for table, rows in outcome.written.items():
            MIMIC_ROWS_WRITTEN.labels(table).inc(rows)
        for reason, events in outcome.skipped.items():
            MIMIC_WRITES_SKIPPED.labels(reason).inc(events)
        if outcome.written or outcome.skipped:
            log.info(
                "legacy_mimic_wrote",
                stream=tracking.application_name,
                position=tracking.notification_id,
                written=dict(outcome.written),
                skipped=dict(outcome.skipped),
            )


def _step(item: FeedItem) -> MimicStep:
    envelope = item.envelope
    happened_at = envelope.time.astimezone(UTC)
    return MimicStep(
        case_id=envelope.case_id,
        action=mimic_action(envelope.schema, envelope.data, happened_at.date()),
        happened_at=happened_at.replace(tzinfo=None),
    )
