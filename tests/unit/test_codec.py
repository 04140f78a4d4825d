from __future__ import annotations

import struct
from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from backbone.codec import MARKER
from backbone.errors import CorruptMessageError, UnknownSchemaError
from tests.factories import codec

SUBMITTED = "nl.ind.intake.ApplicationSubmitted"
RECORD = {
    "meta": {
        "aggregate_id": UUID("00000000-0000-4000-8000-000000000001"),
        "aggregate_version": 1,
        "recorded_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "occurred_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "correlation_id": "c-1",
        "causation_id": None,
    },
    "procedure": "asylum",
    "channel": "application_centre",
    "received_on": date(2026, 1, 2),
    "applicant_ref": "P-00000000000000a1",
    "nationality": "SYR",
    "residence_purpose": None,
    "sponsor_ref": None,
    "previous_permit_ends_on": None,
    "employer_share_percent": None,
}
# Written once from the schema files and checked by hand against the Avro spec; any change to the
# schema or to the encoding breaks consumers and must show up here.
GOLDEN = bytes.fromhex(
    "c3012b81a3a4d7e707ff"  # marker + CRC-64-AVRO fingerprint (little-endian)
    "4830303030303030302d303030302d343030302d383030302d303030303030303030303031"  # uuid string
    "02"  # aggregate_version 1
    "80cde7e4ded7a306"
    "80cde7e4ded7a306"  # recorded_at, occurred_at: zigzag varint micros
    "06632d3100"  # correlation_id "c-1", causation_id null (union branch 0)
    "0006"  # procedure asylum (0), channel application_centre (3)
    "cebf02"  # received_on: 20455 days since 1970-01-01
    "24"
    "502d30303030303030303030303030306131"  # applicant_ref, 18 bytes
    "06535952"  # nationality "SYR"
    "00000000"  # residence_purpose, sponsor_ref, previous_permit_ends_on, employer_share: null
)


def crc64_avro(data: bytes) -> int:
    """The Rabin fingerprint exactly as the Avro specification writes it."""
    empty = 0xC15D213AA4D7A795
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (empty & -(fp & 1))
        table.append(fp)
    fp = empty
    for byte in data:
        fp = (fp >> 8) ^ table[(fp ^ byte) & 0xFF]
    return fp


def test_an_event_encodes_to_the_golden_single_object_bytes() -> None:
    assert codec().encode(SUBMITTED, RECORD) == GOLDEN


def test_the_golden_bytes_decode_to_the_same_record() -> None:
    schema, record = codec().decode(GOLDEN)
    assert schema.name == SUBMITTED
    assert record == RECORD


def test_the_fingerprint_is_the_spec_crc64_of_the_expanded_canonical_form() -> None:
    schema = codec().catalog.by_name(SUBMITTED)
    assert '"name":"nl.ind.shared.EventMetadata","type":"record"' in schema.canonical_form
    assert schema.fingerprint == struct.pack("<Q", crc64_avro(schema.canonical_form.encode()))


def test_the_spec_fingerprint_of_int_is_known() -> None:
    assert crc64_avro(b'"int"') == 0x7275D51A3F395C8F


def test_an_unknown_fingerprint_is_named_in_the_error() -> None:
    message = MARKER + bytes.fromhex("0102030405060708") + b"\x00"
    with pytest.raises(UnknownSchemaError, match="0102030405060708"):
        codec().decode(message)


def test_bytes_without_the_marker_are_refused() -> None:
    with pytest.raises(CorruptMessageError, match="c301"):
        codec().decode(b'{"json": true}')


def test_a_truncated_body_names_the_schema_and_fingerprint() -> None:
    with pytest.raises(CorruptMessageError, match="2b81a3a4d7e707ff"):
        codec().decode(GOLDEN[:-5])


def test_trailing_bytes_are_corruption() -> None:
    with pytest.raises(CorruptMessageError, match="trailing"):
        codec().decode(GOLDEN + b"\x00")
