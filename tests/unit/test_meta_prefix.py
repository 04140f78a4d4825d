"""The relay's own reader of the metadata at the front of an event body (backbone/meta_prefix.py)."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from fastavro import parse_schema, schemaless_writer

from backbone.envelope import _rfc3339, rfc3339_micros
from backbone.errors import CorruptMessageError
from backbone.meta_prefix import LAYOUT, MetaPrefix, read_meta_prefix

SCHEMA_FILE = Path(__file__).parents[2] / "schemas" / "shared" / "EventMetadata.avsc"
SCHEMA = json.loads(SCHEMA_FILE.read_text())
PARSED = parse_schema(SCHEMA)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encoded(meta: dict) -> bytes:
    buffer = io.BytesIO()
    schemaless_writer(buffer, PARSED, meta)
    return buffer.getvalue()


def a_meta(rng: random.Random) -> dict:
    return {
        "aggregate_id": UUID(int=rng.getrandbits(128)),
        "aggregate_version": rng.choice([1, 2, 63, 64, 65, 8191, 8192, 2**40]),
        "recorded_at": EPOCH + timedelta(microseconds=rng.randrange(-(2**50), 2**52)),
        "occurred_at": EPOCH + timedelta(microseconds=rng.choice([0, 1, 10**6, rng.randrange(2**52)])),
        "correlation_id": rng.choice(
            ["", "corr-1", "é" * rng.randrange(100), str(UUID(int=rng.getrandbits(128)))]
        ),
        "causation_id": rng.choice([None, "", "cause-" + "x" * rng.randrange(200)]),
    }


def test_the_layout_is_that_of_the_schema() -> None:
    """If EventMetadata changes, the reader must change with it: this fails first."""
    assert [(field["name"], field["type"]) for field in SCHEMA["fields"]] == list(LAYOUT)


@pytest.mark.parametrize("seed", range(5))
def test_it_reads_what_fastavro_writes(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        meta = a_meta(rng)
        body = encoded(meta) + b"the rest of the event, never looked at"
        assert read_meta_prefix(body) == MetaPrefix(
            aggregate_id=str(meta["aggregate_id"]).encode(),
            aggregate_version=meta["aggregate_version"],
            recorded_at_micros=(meta["recorded_at"] - EPOCH) // timedelta(microseconds=1),
            occurred_at_micros=(meta["occurred_at"] - EPOCH) // timedelta(microseconds=1),
            correlation_id=meta["correlation_id"].encode(),
            causation_id=None if meta["causation_id"] is None else meta["causation_id"].encode(),
        )


@pytest.mark.parametrize("micros", [0, 1, 999_999, 1_000_000, 1_780_000_000_123_456, -1, -86_400_000_001])
def test_times_are_written_as_the_envelope_writes_them(micros: int) -> None:
    assert rfc3339_micros(micros).decode() == _rfc3339(EPOCH + timedelta(microseconds=micros))


def test_a_body_cut_short_anywhere_in_the_metadata_is_corruption() -> None:
    body = encoded(a_meta(random.Random(1)) | {"causation_id": "cause-7"})
    for length in range(len(body)):
        with pytest.raises(CorruptMessageError, match="corrupt event metadata"):
            read_meta_prefix(body[:length])


def test_an_unknown_union_branch_is_corruption() -> None:
    body = bytearray(encoded(a_meta(random.Random(2)) | {"causation_id": None}))
    body[-1] = 4  # zig-zag 2: a third branch, which the union does not have
    with pytest.raises(CorruptMessageError, match="union branch 2"):
        read_meta_prefix(bytes(body))


def test_a_negative_string_length_is_corruption() -> None:
    with pytest.raises(CorruptMessageError, match="string of -1 bytes"):
        read_meta_prefix(b"\x01" + b"x" * 60)


def test_an_endless_varint_is_corruption() -> None:
    body = b"\x48" + b"a" * 36 + b"\xff" * 20
    with pytest.raises(CorruptMessageError, match="longer than ten bytes"):
        read_meta_prefix(body)
