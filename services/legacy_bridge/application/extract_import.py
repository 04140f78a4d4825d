"""A nightly extract imported through the bridge, exactly once.

The extract's identity (its night and the first 40 bits of its digest) is the position of the stream
``legacy.extract``, recorded in the same transaction as the events of its changes: an extract imported
again finds its position recorded and changes nothing; one of an earlier night, or another extract of
the night already imported, is refused. What the bridge remembers of the last extract's rows (their
prints) is kept beside the store under the position it belongs to, written before the transaction and
read only for the recorded position, so a crash between the two leaves a print nobody reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from eventsourcing.persistence import IntegrityError, Tracking

from backbone.errors import BackboneError
from services.legacy_bridge.application.bridge import LegacyBridge
from services.legacy_bridge.application.change_items import ChangeItem
from services.legacy_bridge.domain.changes import LegacyChange, Row
from services.legacy_bridge.domain.extract import (
    KEYS,
    ExtractIndex,
    LegacyExtract,
    empty_index,
    extract_diff,
)

EXTRACT_STREAM = "legacy.extract"
DIGEST_BITS = 40  # the night's day number (22 bits) above 40 bits of the digest: one 64-bit position


class ExtractRefused(BackboneError):
    """An extract that must not be imported: older than the last one, or another one of its night."""


class MissingExtractIndex(BackboneError):
    """The prints of the last imported extract are gone: tonight's changes cannot be told."""


class ExtractIndexes(Protocol):
    """Where the prints of an imported extract's rows are kept, by the extract's position."""

    def load(self, position: int) -> ExtractIndex | None: ...

    def save(self, position: int, index: ExtractIndex) -> None: ...

    def keep_only(self, position: int | None) -> None:
        """Remove every index but ``position``'s (None: every one)."""
        ...


def extract_position(night: date, digest: str) -> int:
    return (night.toordinal() << DIGEST_BITS) | int(digest[: DIGEST_BITS // 4], 16)


def night_of_position(position: int) -> date:
    return date.fromordinal(position >> DIGEST_BITS)


@dataclass(frozen=True)
class ExtractImported:
    night: date
    digest: str
    already_imported: bool
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    events: int = 0  # recorded by the bridge for these changes

    def as_json(self) -> dict[str, Any]:
        return {**vars(self), "night": self.night.isoformat()}


def import_extract(
    bridge: LegacyBridge, extract: LegacyExtract, indexes: ExtractIndexes
) -> ExtractImported:
    position = extract_position(extract.night, extract.digest)
    last = bridge.max_position(EXTRACT_STREAM)
    if last == position:
        return ExtractImported(extract.night, extract.digest, already_imported=True)
    if last is not None:
        _refuse_if_not_newer(last, extract)
    previous = empty_index() if last is None else indexes.load(last)
    if previous is None:
        raise MissingExtractIndex(
            f"the prints of the extract of {night_of_position(last or 0)} (the last imported) are "
            "missing from the data directory: tonight's changes cannot be told from it"
        )
    diff = extract_diff(previous, extract, lambda row: bridge.keyed_digest(_canonical(row)))
    indexes.keep_only(last)  # a crashed import's prints, if any, are not the recorded one's
    indexes.save(position, diff.index)
    before = bridge.recorder.max_notification_id() or 0
    items = [
        ChangeItem(EXTRACT_STREAM, position, change, origin=_origin(extract, change))
        for change in diff.changes
    ]
    try:
        bridge.process(items, Tracking(EXTRACT_STREAM, position))
    except IntegrityError:
        raise ExtractRefused(
            "another import recorded an extract meanwhile: run the import again to see which"
        ) from None
    indexes.keep_only(position)
    return ExtractImported(
        extract.night,
        extract.digest,
        already_imported=False,
        inserted=diff.inserted,
        updated=diff.updated,
        deleted=diff.deleted,
        unchanged=diff.unchanged,
        events=(bridge.recorder.max_notification_id() or 0) - before,
    )


def _refuse_if_not_newer(last: int, extract: LegacyExtract) -> None:
    last_night = night_of_position(last)
    if extract.night < last_night:
        raise ExtractRefused(
            f"the extract of {extract.night} is older than the last one imported ({last_night}): "
            "a full extract replaces every earlier one, so an older one would undo newer work"
        )
    if extract.night == last_night:
        raise ExtractRefused(
            f"another extract of {extract.night} was imported already (its digest differs): "
            "one extract a night; import the next night's"
        )


def _origin(extract: LegacyExtract, change: LegacyChange) -> str:
    """The correlation id of a change's events: the extract's night, the table and the row's key."""
    return f"extract:{extract.night}/{change.table}/{change.row[KEYS[change.table]]}"


def _canonical(row: Row) -> bytes:
    return json.dumps(row, sort_keys=True, default=str).encode()
