"""``backbone audit case <id>``: one case's recorded history, replayed from the stores.

Every event of the case, from intake's store (the application) and decision's (the case), in the order
each recorded them: its version, type, when it happened and when it was recorded, the correlation and
causation ids, and its fields as recorded (pseudonymous: personal data is never in an event). Each event
is checked as ``backbone audit verify`` checks it (it decodes under its schema, names this case and its
version, versions follow on from 1), and the case's digest chain per store is given, so an auditor can
note it and compare it later, or with the topic's (``verify`` does that for every case at once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from backbone.codec import AvroCodec
from backbone.events import cloudevents_type
from backbone.settings import Settings
from backbone.stores import upstream_recorder
from services.audit.chains import CaseChains, Findings
from services.audit.logs import SERVICES
from services.audit.verify import check_stored


@dataclass(frozen=True)
class ReplayedEvent:
    service: str
    version: int
    event_type: str
    occurred_at: str
    recorded_at: str
    correlation_id: str
    causation_id: str | None
    fields: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class CaseHistory:
    case_id: UUID
    events: list[ReplayedEvent] = field(default_factory=list)
    chains: dict[str, str] = field(default_factory=dict)  # service -> the chain's last digest, hex
    findings: Findings = field(default_factory=Findings)

    @property
    def verified(self) -> bool:
        return self.findings.count == 0

    def as_json(self) -> dict[str, Any]:
        return {
            "case_id": str(self.case_id),
            "verified": self.verified,
            "events": [e.as_json() for e in self.events],
            "chains": self.chains,
            "findings": [f.as_json() for f in self.findings.listed],
        }


def replay_case(settings: Settings, codec: AvroCodec, case_id: UUID) -> CaseHistory:
    history = CaseHistory(case_id)
    for service in SERVICES:
        recorder = upstream_recorder(service, settings)
        try:
            stored = recorder.select_events(case_id)
        finally:
            recorder.factory.close()
        chains = CaseChains(f"{service} store", history.findings)
        for event in stored:
            decoded = check_stored(event, codec, chains, history.findings)
            if decoded is not None:
                history.events.append(_replayed(service, event.topic, decoded))
        if stored:
            history.chains[service] = chains.digests[str(case_id)].hex()
    return history


def _replayed(service: str, schema_name: str, decoded: dict[str, Any]) -> ReplayedEvent:
    meta = decoded["meta"]
    return ReplayedEvent(
        service=service,
        version=meta["aggregate_version"],
        event_type=cloudevents_type(schema_name),
        occurred_at=meta["occurred_at"].isoformat(),
        recorded_at=meta["recorded_at"].isoformat(),
        correlation_id=meta["correlation_id"],
        causation_id=meta["causation_id"],
        fields={name: _plain(value) for name, value in decoded.items() if name != "meta"},
    )


def _plain(value: Any) -> Any:
    """A decoded Avro value as JSON has it: times and dates as ISO text, ids as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
