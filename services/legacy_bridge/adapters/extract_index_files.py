"""The prints of the last imported extract's rows, as a JSON file per extract position in a folder
beside the bridge's store (``<data dir>/legacy_extract/``). Written to a temporary file, synced and
renamed, so a file that exists is whole. The prints hold keys, zaaknummers and keyed fingerprints:
no value of a row."""

from __future__ import annotations

import json
import os
from pathlib import Path

from services.legacy_bridge.domain.extract import ExtractIndex, RowPrint

PREFIX, SUFFIX = "prints-", ".json"


class ExtractIndexFiles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, position: int) -> Path:
        return self.folder / f"{PREFIX}{position}{SUFFIX}"

    def load(self, position: int) -> ExtractIndex | None:
        try:
            document = json.loads(self._path(position).read_text())
        except FileNotFoundError:
            return None
        return {
            table: {key: RowPrint(*entry) for key, entry in prints.items()}
            for table, prints in document.items()
        }

    def save(self, position: int, index: ExtractIndex) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        document = {
            table: {key: [p.zaaknummer, p.fingerprint] for key, p in prints.items()}
            for table, prints in index.items()
        }
        partial = self._path(position).with_suffix(".partial")
        with partial.open("w") as file:
            json.dump(document, file, separators=(",", ":"))
            file.flush()
            os.fsync(file.fileno())
        partial.replace(self._path(position))

    def keep_only(self, position: int | None) -> None:
        if not self.folder.exists():
            return
        kept = None if position is None else self._path(position)
        for path in self.folder.iterdir():
            if path.name.startswith(PREFIX) and path != kept:
                path.unlink(missing_ok=True)
