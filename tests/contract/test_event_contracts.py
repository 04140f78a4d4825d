"""Golden bytes for every event on the wire. A change here breaks every consumer: make it on purpose.

After an intended, compatible schema change, rewrite the expected bytes with
``python -m tests.contract.test_event_contracts --write`` and review the diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from backbone.codec import HEADER_LENGTH, AvroCodec
from backbone.envelope import envelope_from_record, relay_headers
from backbone.event_mapper import event_from_record, record_of
from backbone.schemas import SchemaCatalog
from tests.contract.samples import CASE, SAMPLES
from tests.unit.test_schemas_and_events import EVENT_CLASSES

GOLDEN_FILE = Path(__file__).with_name("golden_events.json")
CODEC = AvroCodec(SchemaCatalog.load())


def golden() -> dict[str, str]:
    data: dict[str, str] = json.loads(GOLDEN_FILE.read_text())
    return data


def test_every_event_schema_has_a_sample_and_golden_bytes() -> None:
    events = {schema.name for schema in CODEC.catalog.events()}
    assert set(SAMPLES) == events
    assert set(golden()) == events


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_event_encodes_to_its_golden_bytes(name: str) -> None:
    assert CODEC.encode(name, SAMPLES[name]).hex() == golden()[name]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_golden_bytes_decode_to_the_sample(name: str) -> None:
    schema, record = CODEC.decode(bytes.fromhex(golden()[name]))
    assert schema.name == name
    assert record == SAMPLES[name]


@pytest.mark.parametrize("cls", EVENT_CLASSES, ids=lambda c: c.__name__)
def test_the_domain_event_and_its_record_map_both_ways(cls: type) -> None:
    record = SAMPLES[cls.TOPIC]
    event = event_from_record(cls, record, CASE)
    assert record_of(event) == record


if __name__ == "__main__" and "--write" in sys.argv:
    GOLDEN_FILE.write_text(
        json.dumps({name: CODEC.encode(name, SAMPLES[name]).hex() for name in sorted(SAMPLES)}, indent=2)
        + "\n"
    )
    print(f"wrote {GOLDEN_FILE}")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_relay_reads_the_headers_from_the_metadata_alone(name: str) -> None:
    """Every event record starts with its metadata, so the relay decodes only that prefix of the body;
    the key and headers are those of the fully decoded event."""
    body = bytes.fromhex(golden()[name])[HEADER_LENGTH:]
    fields = CODEC.catalog.by_name(name).parsed["fields"]
    assert fields[0]["name"] == "meta"
    full = envelope_from_record("urn:x", name, CODEC.decode_body(name, body), 42)
    key, headers = relay_headers(b"urn:x", name, body, 42)
    assert (key, headers) == (full.subject.encode(), full.kafka_headers())
