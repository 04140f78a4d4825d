"""The schema catalogue: every ``.avsc`` under ``schemas/``, parsed, expanded and fingerprinted.

The schema files are the source of truth for what goes on the wire. Files may refer to named types
defined in other files (``nl.ind.shared.EventMetadata``); the catalogue resolves them in any order
and fingerprints the *expanded* schema, which is what a Java or any other Avro reader would compute
from the standalone document.

A schema that gained a field (with a default) keeps its former version under ``schemas/superseded/``
(``<Name>.<n>.avsc``, n counting from 1): events written before the change, on a topic or in an event
store, name or fit that writer schema and are read into the current one, the default filling the new field.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastavro import parse_schema
from fastavro.schema import (
    SchemaParseException,
    UnknownType,
    expand_schema,
    fingerprint,
    to_parsing_canonical_form,
)

from backbone.errors import SchemaError, UnknownSchemaError

SCHEMAS_DIR_ENV = "BACKBONE_SCHEMAS_DIR"
SUPERSEDED_DIR = "superseded"


def default_schemas_dir() -> Path:
    """``schemas/`` beside the package, unless ``BACKBONE_SCHEMAS_DIR`` says otherwise."""
    configured = os.environ.get(SCHEMAS_DIR_ENV)
    return Path(configured) if configured else Path(__file__).resolve().parents[1] / "schemas"


@dataclass(frozen=True)
class Schema:
    """One named Avro type, ready to read and write."""

    name: str
    parsed: Any
    canonical_form: str
    fingerprint: bytes  # 8 bytes, CRC-64-AVRO, little-endian as single-object encoding wants
    path: Path

    @property
    def is_event(self) -> bool:
        fields = self.parsed.get("fields", []) if isinstance(self.parsed, dict) else []
        return bool(fields) and fields[0]["name"] == "meta"


class SchemaCatalog:
    """All schemas, by full name and by fingerprint, and the former versions events may be written in."""

    def __init__(self, schemas: Iterable[Schema], superseded: Iterable[Schema] = ()) -> None:
        self._by_name: dict[str, Schema] = {}
        self._by_fingerprint: dict[bytes, Schema] = {}
        self._superseded: dict[str, list[Schema]] = {}
        for schema in schemas:
            self._by_name[schema.name] = schema
            self._by_fingerprint[schema.fingerprint] = schema
        for schema in superseded:
            if schema.name not in self._by_name:
                raise SchemaError(f"{schema.path}: supersedes {schema.name}, which no current schema is")
            self._superseded.setdefault(schema.name, []).append(schema)
            self._by_fingerprint.setdefault(schema.fingerprint, schema)

    @classmethod
    def load(cls, directory: Path | None = None) -> SchemaCatalog:
        directory = directory or default_schemas_dir()
        paths = sorted(directory.rglob("*.avsc"))
        former = directory / SUPERSEDED_DIR
        documents = {path: _read_document(path) for path in paths if not path.is_relative_to(former)}
        if not documents:
            raise SchemaError(f"no .avsc files under {directory}")
        named: dict[str, Any] = {}
        current = _resolve(documents, named)
        superseded = [
            schema
            for path in sorted(paths, key=_newest_first)
            if path.is_relative_to(former)
            for schema in _resolve({path: _read_document(path)}, dict(named))
        ]
        return cls(current, superseded)

    def superseded(self, name: str) -> list[Schema]:
        """The former versions of the schema ``name``, newest first: writer schemas only."""
        return self._superseded.get(name, [])

    def by_name(self, name: str) -> Schema:
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownSchemaError(f"named {name!r}") from None

    def by_fingerprint(self, fp: bytes) -> Schema:
        try:
            return self._by_fingerprint[fp]
        except KeyError:
            raise UnknownSchemaError(f"with fingerprint {fp.hex()}") from None

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def events(self) -> list[Schema]:
        return [s for s in self._by_name.values() if s.is_event]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name


def _read_document(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise SchemaError(f"{path}: not readable JSON: {error}") from error
    if not isinstance(document, dict) or "name" not in document:
        raise SchemaError(f"{path}: a schema file must hold one named type")
    return document


def _full_name(document: Mapping[str, Any]) -> str:
    name = str(document["name"])
    namespace = document.get("namespace")
    return name if "." in name or not namespace else f"{namespace}.{name}"


def _newest_first(path: Path) -> tuple[str, int]:
    """``Name.<n>.avsc`` sorts by name, then by n, highest first."""
    stem, _, number = path.stem.rpartition(".")
    return stem, -int(number) if number.isdigit() else 0


def _resolve(documents: dict[Path, dict[str, Any]], named: dict[str, Any]) -> list[Schema]:
    """Parse files whose references are known, repeatedly, until all are parsed; ``named`` gathers the
    named types they define."""
    pending = dict(documents)
    schemas: list[Schema] = []
    while pending:
        progressed = False
        for path, document in list(pending.items()):
            try:
                parsed = parse_schema(document, named_schemas=dict(named))
            except UnknownType:
                continue
            except SchemaParseException as error:
                raise SchemaError(f"{path}: {error}") from error
            name = _full_name(document)
            parse_schema(document, named_schemas=named)  # registers the names it defines
            expanded = expand_schema(parsed)
            canonical = to_parsing_canonical_form(expanded)
            fp = bytes.fromhex(fingerprint(canonical, "CRC-64-AVRO"))
            schemas.append(Schema(name, parsed, canonical, fp, path))
            del pending[path]
            progressed = True
        if not progressed:
            unresolved = ", ".join(str(p) for p in pending)
            raise SchemaError(f"unresolved named types in: {unresolved}")
    return schemas
