"""The embedded mode's way in for legacy cases: a nightly extract, imported through the legacy bridge
(``services/legacy_bridge/application/extract_import.py``), its rows' prints kept in the data
directory. Distributed mode captures every change with Debezium instead; an extract imported there
as well would make two sources of the same cases, so it is refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from backbone.errors import ConfigurationError
from composition.system import System
from services.control_tower.adapters.tower_store import TowerStore
from services.legacy_bridge.adapters.extract_files import read_extract
from services.legacy_bridge.adapters.extract_index_files import ExtractIndexFiles
from services.legacy_bridge.application.extract_import import ExtractImported, import_extract

EXTRACT_FOLDER = "legacy_extract"  # in the data directory: the last imported extract's prints


def import_legacy_extract(system: System, directory: Path, night: date | None = None) -> ExtractImported:
    """Read the extract in ``directory`` (whole, or not at all) and import it exactly once."""
    if not system.runtime.one_process:
        raise ConfigurationError(
            "backbone legacy import-extract runs in embedded mode (BACKBONE_MODE=embedded): distributed "
            "mode captures the legacy database's changes with Debezium (backbone run legacy-bridge)"
        )
    extract = read_extract(directory, night)
    indexes = ExtractIndexFiles(system.settings.data_dir / EXTRACT_FOLDER)
    return import_extract(system.legacy_bridge, extract, indexes)


def legacy_open_cases(tower: TowerStore) -> int:
    """How many open legacy cases the tower shows."""
    return sum(n for *_, system, n in tower.workload_detail() if system == "legacy")
