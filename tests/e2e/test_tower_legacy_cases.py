"""One IND in the control tower, embedded: the legacy bridge is fed legacy changes, intake receives a
new application, and the tower's API and terminal show both, with the owning system as a filter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Tracking

from composition.embedded import EmbeddedBackbone
from tests.api_access import signed_in_api
from tests.factories import a_submission, embedded_settings
from tests.legacy_changes import Stream, a_case_row, change


def cli(data_dir: Path, *arguments: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", "tower", *arguments, "--json"],
        env={**os.environ, "BACKBONE_MODE": "embedded", "BACKBONE_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_legacy_and_new_cases_show_together_and_apart_in_the_api_and_the_terminal(tmp_path: Path) -> None:
    backbone = EmbeddedBackbone(embedded_settings(tmp_path))
    try:
        zaken = Stream()
        rows = [
            a_case_row(zaaknummer=f"Z2026-000000{n}", gewijzigd_op=datetime(2026, 3, 2, 9, n))
            for n in (1, 2)
        ]
        items = [zaken.item(change("zaken", "r", after=row)) for row in rows]
        backbone.system.legacy_bridge.process(items, Tracking(items[-1].stream, items[-1].position))
        backbone.intake.submit_application(a_submission())
        backbone.settle()
        api = signed_in_api(backbone.intake, backbone.decision, lambda: backbone.tower)
        by_system = api.get("/v1/tower/workload", params={"group_by": "system"}).json()
        assert {(r["system"], r["stage"], r["open_cases"]) for r in by_system} >= {
            ("legacy", "accepted", 2)
        }
        assert {r["system"] for r in by_system} == {"backbone", "legacy"}
        legacy = api.get("/v1/tower/workload", params={"system": "legacy"}).json()
        assert legacy == [{"procedure": "family", "stage": "accepted", "open_cases": 2}]
        backbone_only = api.get("/v1/tower/workload", params={"system": "backbone"}).json()
        assert all(r["stage"] == "in_intake" for r in backbone_only) and backbone_only
        assert api.get("/v1/tower/workload", params={"system": "mainframe"}).status_code == 422
        risk = api.get("/v1/tower/deadline-risk", params={"system": "legacy"}).json()
        assert sum(risk["buckets"].values()) == 2
    finally:
        backbone.close()
    assert cli(tmp_path, "workload", "--system", "legacy") == legacy
