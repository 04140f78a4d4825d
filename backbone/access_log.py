"""The access log: every read of an applicant's personal data and every auditor's look at a case,
recorded as an event of its own before the data is handed out. If the record cannot be made, nothing
is shown.

Each look is one aggregate with one event (``PersonalDataRead``, ``CaseInspected``; Avro schemas in
schemas/access/), in a store of its own: never relayed to Kafka, because these events are about the
IND's staff (who looked at whom), which only auditors and privacy officers need, and they never hold
the personal data looked at. The log knows nothing of the services: callers give ids and codes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper

from backbone.clock import Clock
from backbone.codec import AvroCodec
from backbone.event_mapper import AvroEventMapper
from backbone.events import CaseCreated, Cause

ACCESS_LOG = "access_log"  # the store's name
Channel = Literal["api", "command_line"]


@dataclass(frozen=True)
class Accessor:
    """Who looked, and under which role: from a verified token, or a command line's OS user."""

    subject_id: str  # the token's sub, or os:<user>@<host>: an identifier, never free text
    username: str
    role: str
    channel: Channel
    client_id: str | None = None

    def as_record(self) -> dict[str, Any]:
        return {
            "subject_id": self.subject_id,
            "username": self.username,
            "role": self.role,
            "client_id": self.client_id,
            "channel": self.channel,
        }


@dataclass(frozen=True)
class Look:
    """Who looks, why (a purpose code of a versioned catalogue), and in which request: what every
    record of the log starts from."""

    accessor: Accessor
    purpose: str
    purpose_catalogue_version: str
    correlation_id: str


class Access(Aggregate):
    """One look. Its one event says who looked at what, when, and why."""

    def __init__(self) -> None:
        """The facts stay on the event; the log is read as events."""


class PersonalDataRead(CaseCreated):
    TOPIC = "nl.ind.access.PersonalDataRead"
    AGGREGATE_TOPIC = "nl.ind.access.Access"

    application_id: UUID
    applicant_ref: str | None
    accessor: dict[str, Any]
    purpose: str
    purpose_catalogue_version: str


class CaseInspected(CaseCreated):
    TOPIC = "nl.ind.access.CaseInspected"
    AGGREGATE_TOPIC = "nl.ind.access.Access"

    case_id: UUID
    view: str
    accessor: dict[str, Any]
    purpose: str
    purpose_catalogue_version: str


@dataclass(frozen=True)
class AccessEntry:
    """One recorded look, as the auditor's interfaces show it."""

    position: int
    kind: str  # personal_data_read | case_inspected
    occurred_at: datetime
    case_id: str  # the application or case looked at (the same id)
    applicant_ref: str | None
    view: str
    accessor: dict[str, Any]
    purpose: str
    purpose_catalogue_version: str
    correlation_id: str

    def as_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "kind": self.kind,
            "occurred_at": self.occurred_at.isoformat(),
            "case_id": self.case_id,
            "applicant_ref": self.applicant_ref,
            "view": self.view,
            "accessor": self.accessor,
            "purpose": self.purpose,
            "purpose_catalogue_version": self.purpose_catalogue_version,
            "correlation_id": self.correlation_id,
        }


class AccessLog(Application[UUID]):
    name = ACCESS_LOG

    def __init__(self, *, env: dict[str, str], codec: AvroCodec, clock: Clock) -> None:
        self.codec = codec
        self.clock = clock
        super().__init__(env=env)

    def construct_mapper(self) -> Mapper[UUID]:
        return AvroEventMapper(self.codec)

    def personal_data_read(self, look: Look, application_id: UUID, applicant_ref: str | None) -> UUID:
        return self._append(
            PersonalDataRead, look, application_id=application_id, applicant_ref=applicant_ref
        )

    def case_inspected(self, look: Look, case_id: UUID, view: str) -> UUID:
        return self._append(CaseInspected, look, case_id=case_id, view=view)

    def entries(
        self, *, case_id: UUID | None = None, applicant_ref: str | None = None, limit: int = 1000
    ) -> list[AccessEntry]:
        """The latest ``limit`` looks, oldest first, at ``case_id`` or ``applicant_ref`` if given. The
        log is read from its newest end backwards, a page at a time, only as far as needed to find
        ``limit`` of them; a look at a case seen rarely may take a read of the whole log."""
        found: list[AccessEntry] = []
        for entry in self._newest_first():
            if (case_id is None or entry.case_id == str(case_id)) and (
                applicant_ref is None or entry.applicant_ref == applicant_ref
            ):
                found.append(entry)
                if len(found) == limit:
                    break
        return found[::-1]

    def _newest_first(self, page: int = 500) -> Iterator[AccessEntry]:
        stop = self.recorder.max_notification_id() or 0
        while stop >= 1:
            start = max(1, stop - page + 1)
            notifications = self.recorder.select_notifications(start=start, limit=page, stop=stop)
            for notification in reversed(notifications):
                yield _entry(notification.id, self.mapper.to_domain_event(notification))
            stop = start - 1

    def _append(self, event_class: type[CaseCreated], look: Look, **facts: Any) -> UUID:
        cause = Cause(occurred_at=self.clock.now(), correlation_id=look.correlation_id)
        access = Access._create(  # one aggregate per look, created by its one event
            event_class,
            id=uuid.uuid4(),
            **cause.event_metadata(),
            **facts,
            accessor=look.accessor.as_record(),
            purpose=look.purpose,
            purpose_catalogue_version=look.purpose_catalogue_version,
        )
        self.save(access)
        return access.id


def _entry(position: int, event: Any) -> AccessEntry:
    reads = isinstance(event, PersonalDataRead)
    return AccessEntry(
        position=position,
        kind="personal_data_read" if reads else "case_inspected",
        occurred_at=event.occurred_at,
        case_id=str(event.application_id if reads else event.case_id),
        applicant_ref=event.applicant_ref if reads else None,
        view="personal_data" if reads else event.view,
        accessor=dict(event.accessor),
        purpose=event.purpose,
        purpose_catalogue_version=event.purpose_catalogue_version,
        correlation_id=event.correlation_id,
    )
