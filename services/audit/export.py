"""``backbone audit export``: every recorded event as a process-mining event log (CSV).

One row per event, from both services' notification logs: the case it belongs to, what happened (the
activity: the CloudEvents type without its namespace, e.g. ``application-submitted``), when it happened
and when it was recorded, which service recorded it, its version in the case, and the correlation and
causation ids that tie a command's events together. Intake's application and decision's case share the
case id, so one trace shows a case from submission to decision; an objection is a case of its own,
caused by the decision it objects to. Process-mining tools (PM4Py, Disco, Celonis, ProM via CSV import)
take ``case_id`` as the case, ``activity`` as the activity and ``timestamp`` as the time.

Only what the events' metadata holds is exported: pseudonymous ids, types and times. Nothing from the
event bodies (no applicant reference, no nationality, no free text) leaves the store this way.
Rows come in each service's log order (intake first); tools sort each trace by its timestamps.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TextIO

from eventsourcing.persistence import Notification

from backbone.envelope import rfc3339_micros
from backbone.errors import CorruptMessageError
from backbone.events import cloudevents_type
from backbone.meta_prefix import read_meta_prefix
from backbone.settings import Settings
from backbone.stores import upstream_recorder
from services.audit.logs import SERVICES, ProgressFor, read_log

COLUMNS = (
    "case_id",
    "activity",
    "timestamp",
    "recorded_at",
    "service",
    "version",
    "event_type",
    "correlation_id",
    "causation_id",
)


@dataclass
class ExportReport:
    rows: int = 0
    seconds: float = 0.0
    per_service: dict[str, int] = field(default_factory=dict)
    # Per service, the cases whose history begins in the log (their version 1): counted, not collected,
    # so the export's memory does not grow with the number of cases.
    cases: dict[str, int] = field(default_factory=dict)
    activities: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "cases": self.cases,
            "seconds": round(self.seconds, 2),
            "per_service": self.per_service,
            "activities": dict(self.activities.most_common()),
        }


def export_event_log(settings: Settings, out: TextIO, progress: ProgressFor | None = None) -> ExportReport:
    """Write every event of both services, up to each log's head now, to ``out`` as CSV."""
    started = time.perf_counter()
    report = ExportReport()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for service in SERVICES:
        recorder = upstream_recorder(service, settings)
        try:
            head = recorder.max_notification_id() or 0
            bar = progress(f"exporting {service}'s events", "notifications") if progress else None
            written = begun = 0
            for notification in read_log(recorder, head, bar):
                activity = _activity(notification.topic)
                _write_row(writer, service, activity, notification)
                begun += notification.originator_version == 1
                report.activities[activity] += 1
                written += 1
            report.per_service[service], report.cases[service] = written, begun
            report.rows += written
        finally:
            recorder.factory.close()
    report.seconds = time.perf_counter() - started
    return report


def _write_row(writer: Any, service: str, activity: str, notification: Notification) -> None:
    try:
        meta = read_meta_prefix(notification.state)
    except CorruptMessageError as error:
        raise CorruptMessageError(
            f"{service} event #{notification.id} ({notification.topic}) does not decode: {error}; "
            "run `backbone audit verify` to see every finding"
        ) from error
    writer.writerow(
        (
            meta.aggregate_id.decode(),
            activity,
            rfc3339_micros(meta.occurred_at_micros).decode(),
            rfc3339_micros(meta.recorded_at_micros).decode(),
            service,
            meta.aggregate_version,
            cloudevents_type(notification.topic),
            meta.correlation_id.decode(),
            meta.causation_id.decode() if meta.causation_id is not None else "",
        )
    )


def _activity(schema_name: str) -> str:
    """``nl.ind.intake.ApplicationSubmitted`` -> ``application-submitted``."""
    return cloudevents_type(schema_name).rpartition(".")[2]
