"""``backbone audit verify``: is every case's recorded history whole, and unaltered since it was published?

For each service (intake, decision) it reads the store's notification log up to the relay's position at
the start, and checks each event: its body decodes under the schema it is stored as, with nothing left
over; its metadata names the case and version it is stored under; each case's versions follow on from 1
without a gap. In distributed mode it then reads the service's topic and compares, case by case, the
digest chain of the published events with the store's (``chains.py``).

The store and the topic are two copies written by different parties: the service's transaction and, once
the broker acknowledged it, the relay. Topics keep every event for ever. An event changed, removed or
inserted in either copy after it was published shows as a difference; the report names the case, the
version and the copy. (Someone who can rewrite both the store and the topic, consistently, is not caught
by this check: that needs an anchor outside both, such as a digest published elsewhere.)

Events recorded after the relay's position are not compared yet; the report counts them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import StoredEvent

from backbone.codec import AvroCodec
from backbone.errors import CorruptMessageError
from backbone.feeds.kafka_ranges import partition_ranges, read_records
from backbone.runtime import runtime_for
from backbone.settings import Settings
from backbone.stores import upstream_recorder
from services.audit.chains import CaseChains, Finding, Findings, compare
from services.audit.logs import SERVICES, Progress, ProgressFor, read_log
from services.topics import topic_of

PROGRESS_EVERY = 5000  # topic records between progress reports


@dataclass
class ServiceReport:
    service: str
    verified_up_to: int  # the notification id the store was read to (the relay's position)
    store_events: int = 0
    cases: int = 0
    not_yet_published: int = 0
    topic_events: int = 0
    topic_repeated: int = 0  # republished after a relay crash: at-least-once, skipped as consumers do

    def as_json(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class VerifyReport:
    mode: str
    services: list[ServiceReport] = field(default_factory=list)
    findings: Findings = field(default_factory=Findings)
    seconds: float = 0.0

    @property
    def verified(self) -> bool:
        return self.findings.count == 0

    @property
    def events(self) -> int:
        return sum(s.store_events for s in self.services)

    def as_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "mode": self.mode,
            "events": self.events,
            "cases": sum(s.cases for s in self.services),
            "seconds": round(self.seconds, 2),
            "services": [s.as_json() for s in self.services],
            "findings": self.findings.count,
            "first_findings": [f.as_json() for f in self.findings.listed],
        }


def verify(settings: Settings, codec: AvroCodec, progress: ProgressFor | None = None) -> VerifyReport:
    """``progress``, when given, makes a progress for each phase: each service's store, then its topic."""
    started = time.perf_counter()
    report = VerifyReport(settings.mode)
    for service in SERVICES:
        recorder = upstream_recorder(service, settings)
        try:
            report.services.append(_verify_service(service, recorder, settings, codec, report, progress))
        finally:
            recorder.factory.close()
    report.seconds = time.perf_counter() - started
    return report


def _verify_service(
    service: str,
    recorder: Any,
    settings: Settings,
    codec: AvroCodec,
    report: VerifyReport,
    progress: ProgressFor | None,
) -> ServiceReport:
    head = recorder.max_notification_id() or 0
    topic = topic_of(service, settings.topic_partitions, settings.topic_prefix).name
    runtime = runtime_for(settings)
    up_to = runtime.published_up_to(topic, recorder.factory.tracking_recorder(), head)
    result = ServiceReport(service, up_to, not_yet_published=head - up_to)
    store = CaseChains(f"{service} store", report.findings)
    store_progress = progress(f"verifying {service}'s store", "notifications") if progress else None
    for notification in read_log(recorder, up_to, store_progress):
        check_stored(notification, codec, store, report.findings)
    result.store_events, result.cases = store.events, len(store.digests)
    if runtime.publishes:
        published = CaseChains(f"{service} topic", report.findings, republishes=True)
        topic_progress = progress(f"comparing with {topic}", "records") if progress else None
        _fold_topic(settings, topic, service, up_to, published, topic_progress)
        result.topic_events, result.topic_repeated = published.events, published.repeated
        compare(store, published, report.findings)
    return result


def check_stored(
    event: StoredEvent, codec: AvroCodec, store: CaseChains, findings: Findings
) -> dict[str, Any] | None:
    """Check one stored event and fold it into its case's chain; returns the decoded event, or None
    when it does not decode (a finding says so)."""
    case_id, version = str(event.originator_id), event.originator_version
    where = store.where
    decoded: dict[str, Any] | None = None
    try:
        decoded = codec.decode_body(event.topic, event.state)
        meta = decoded["meta"]
    except (CorruptMessageError, KeyError) as error:
        findings.add(Finding(where, case_id, version, f"the body does not decode: {error}"))
        decoded = None
    else:
        if str(meta["aggregate_id"]) != case_id or meta["aggregate_version"] != version:
            findings.add(
                Finding(
                    where,
                    case_id,
                    version,
                    f"the event says it is case {meta['aggregate_id']} version {meta['aggregate_version']}",
                )
            )
    store.add(case_id, version, codec.frame(event.topic, event.state))
    return decoded


def _fold_topic(
    settings: Settings,
    topic: str,
    service: str,
    up_to: int,
    chains: CaseChains,
    progress: Progress | None = None,
) -> None:
    """The topic's events up to the store's position, per case in offset order (a case keeps to one
    partition, so that is its version order)."""
    ranges = partition_ranges(settings, {topic: service})
    total, read, reported = sum(r.size for r in ranges), 0, 0
    for polled in read_records(settings, ranges, client_id="audit"):
        for _, records in polled:
            read += len(records)
            for record in records:
                headers = dict(record.headers)
                try:
                    position, version = int(headers["ce_notificationid"]), int(headers["ce_sequence"])
                    case_id = headers["ce_subject"].decode()
                except (KeyError, ValueError) as error:
                    key = record.key.decode() if record.key else "?"
                    problem = f"offset {record.offset}: the message lacks a usable header {error}"
                    chains.findings.add(Finding(chains.where, key, 0, problem))
                    continue
                if position <= up_to:
                    chains.add(case_id, version, record.value)
        if progress is not None and (read - reported >= PROGRESS_EVERY or read >= total):
            progress(read, total)
            reported = read
