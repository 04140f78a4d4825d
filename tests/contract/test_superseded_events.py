"""Events written before their schema gained a field are still read: the golden bytes their former schema
(``schemas/superseded/``) gave, on a topic or stored as a body in an event store, read into the current
record with the new field's default. These bytes are history: never rewrite them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent

from backbone.codec import HEADER_LENGTH, AvroCodec
from backbone.event_mapper import AvroEventMapper, record_of
from backbone.events import CaseEvent
from backbone.schemas import SchemaCatalog
from tests.contract.samples import CASE, SAMPLES

FORMER_GOLDEN = json.loads(Path(__file__).with_name("golden_superseded_events.json").read_text())
CODEC = AvroCodec(SchemaCatalog.load())
NEW_FIELDS = {
    "nl.ind.decision.CaseAssigned": ["catalogue_version"],
    "nl.ind.decision.CaseEscalated": ["team_catalogue_version"],
    "nl.ind.intake.ApplicationClassified": ["catalogue_version"],
    "nl.ind.intake.DefectNotified": ["catalogue_version"],
}


def former(name: str) -> bytes:
    return bytes.fromhex(FORMER_GOLDEN[name])


def as_written_before(name: str) -> dict[str, Any]:
    """The sample as the former schema held it, with the new fields' defaults (2026.1)."""
    return {**SAMPLES[name], **dict.fromkeys(NEW_FIELDS[name], "2026.1")}


def test_every_superseded_schema_has_former_golden_bytes() -> None:
    superseded = {s.name for name in CODEC.catalog.names() for s in CODEC.catalog.superseded(name)}
    assert superseded == set(FORMER_GOLDEN) == set(NEW_FIELDS)


@pytest.mark.parametrize("name", sorted(FORMER_GOLDEN))
def test_a_message_in_the_former_schema_reads_into_the_current_one(name: str) -> None:
    schema, record = CODEC.decode(former(name))
    assert schema is CODEC.catalog.by_name(name)
    assert record == as_written_before(name)


@pytest.mark.parametrize("name", sorted(FORMER_GOLDEN))
def test_a_body_stored_in_the_former_schema_becomes_its_domain_event(name: str) -> None:
    body = former(name)[HEADER_LENGTH:]
    stored = StoredEvent(originator_id=CASE, originator_version=1, topic=name, state=body)
    event = AvroEventMapper(CODEC).to_domain_event(stored)
    assert isinstance(event, CaseEvent)
    assert record_of(event) == as_written_before(name)


@pytest.mark.parametrize("name", sorted(FORMER_GOLDEN))
def test_the_relay_frames_a_former_body_with_its_own_fingerprint(name: str) -> None:
    """Consumers then find the schema it was written in, and the audit's comparison of stored and
    published bytes still matches."""
    assert CODEC.frame(name, former(name)[HEADER_LENGTH:]) == former(name)
    current = CODEC.encode(name, SAMPLES[name])
    assert CODEC.frame(name, current[HEADER_LENGTH:]) == current
