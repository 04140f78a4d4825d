"""Avro single-object encoding (``C3 01`` + 8-byte CRC-64-AVRO fingerprint + binary body).

Any Avro library can read our messages without a registry server: the fingerprint names the writer
schema, which is one of the files under ``schemas/``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from fastavro import schemaless_reader, schemaless_writer

from backbone.errors import CorruptMessageError, EncodingError
from backbone.schemas import Schema, SchemaCatalog

MARKER = b"\xc3\x01"
HEADER_LENGTH = len(MARKER) + 8


class AvroCodec:
    """Encodes and decodes records of the schemas in one catalogue."""

    def __init__(self, catalog: SchemaCatalog) -> None:
        self.catalog = catalog

    def encode(self, name: str, record: Mapping[str, Any]) -> bytes:
        """The single-object encoding of ``record`` under the schema ``name``."""
        return self.frame(name, self.encode_body(name, record))

    def decode(self, message: bytes) -> tuple[Schema, dict[str, Any]]:
        """The schema named by the message's fingerprint, and the record it holds."""
        if len(message) < HEADER_LENGTH or message[:2] != MARKER:
            raise CorruptMessageError(
                f"not an Avro single-object message: starts {message[:HEADER_LENGTH].hex()!r}, "
                f"expected c301 and an 8-byte fingerprint"
            )
        schema = self.catalog.by_fingerprint(message[2:HEADER_LENGTH])
        return schema, self._read(schema, message[HEADER_LENGTH:])

    def frame(self, name: str, body: bytes) -> bytes:
        """Prefix an already encoded body with the marker and its schema's fingerprint."""
        return MARKER + self.catalog.by_name(name).fingerprint + body

    def encode_body(self, name: str, record: Mapping[str, Any]) -> bytes:
        schema = self.catalog.by_name(name)
        buffer = io.BytesIO()
        try:
            schemaless_writer(buffer, schema.parsed, record)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise EncodingError(f"record does not fit schema {name}: {error}") from error
        return buffer.getvalue()

    def decode_body(self, name: str, body: bytes) -> dict[str, Any]:
        return self._read(self.catalog.by_name(name), body)

    def _read(self, schema: Schema, body: bytes) -> dict[str, Any]:
        buffer = io.BytesIO(body)
        try:
            record = schemaless_reader(buffer, schema.parsed, None)
        except (EOFError, StopIteration, IndexError, ValueError, UnicodeDecodeError) as error:
            raise CorruptMessageError(
                f"corrupt body for schema {schema.name} (fingerprint "
                f"{schema.fingerprint.hex()}): {type(error).__name__}: {error}"
            ) from error
        if buffer.tell() != len(body):
            raise CorruptMessageError(
                f"corrupt body for schema {schema.name} (fingerprint {schema.fingerprint.hex()}): "
                f"{len(body) - buffer.tell()} trailing bytes"
            )
        if not isinstance(record, dict):
            raise CorruptMessageError(f"schema {schema.name} does not describe a record")
        return record
