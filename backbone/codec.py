"""Avro single-object encoding (``C3 01`` + 8-byte CRC-64-AVRO fingerprint + binary body).

Any Avro library can read our messages without a registry server: the fingerprint names the writer
schema, which is one of the files under ``schemas/``. A message or a stored body written in a former
version of its schema (``schemas/superseded/``) is read into the current one.
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
        writer = self.catalog.by_fingerprint(message[2:HEADER_LENGTH])
        current = self.catalog.by_name(writer.name)
        return current, self._read(writer, message[HEADER_LENGTH:], current)

    def frame(self, name: str, body: bytes) -> bytes:
        """Prefix an already encoded body with the marker and the fingerprint of the schema it was
        written in: the current one, or a former one for a body stored before the schema changed."""
        return MARKER + self.writer_of(name, body).fingerprint + body

    def writer_of(self, name: str, body: bytes) -> Schema:
        """The version of schema ``name`` that ``body`` was written in: the body carries no fingerprint,
        so it is the newest version that reads it whole (a version with a field more needs more bytes)."""
        current = self.catalog.by_name(name)
        former = self.catalog.superseded(name)
        if not former:
            return current
        for writer in (current, *former):
            try:
                self._read(writer, body)
            except CorruptMessageError:
                continue
            return writer
        return current  # fits none: decoding it reports why

    def encode_body(self, name: str, record: Mapping[str, Any]) -> bytes:
        schema = self.catalog.by_name(name)
        buffer = io.BytesIO()
        try:
            schemaless_writer(buffer, schema.parsed, record)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise EncodingError(f"record does not fit schema {name}: {error}") from error
        return buffer.getvalue()

    def decode_body(self, name: str, body: bytes) -> dict[str, Any]:
        """The record a stored body holds, in the current version of schema ``name``."""
        current = self.catalog.by_name(name)
        return self._read(self.writer_of(name, body), body, current)

    def _read(self, schema: Schema, body: bytes, reader: Schema | None = None) -> dict[str, Any]:
        """The record ``body`` holds, written in ``schema``, read into ``reader`` if it is another."""
        buffer = io.BytesIO(body)
        resolved = reader.parsed if reader is not None and reader is not schema else None
        try:
            record = schemaless_reader(buffer, schema.parsed, resolved)
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
