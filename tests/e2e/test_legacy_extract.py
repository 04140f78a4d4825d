"""The embedded mode's legacy cases: nightly extracts imported with ``backbone legacy import-extract``
(exactly once, older or malformed ones refused), the simulator's legacy share, and ``backbone demo``
showing legacy and new cases together in the tower."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from backbone.clock import ManualClock
from composition.cli.demo import write_demo_routing
from composition.legacy_extract import legacy_open_cases
from composition.simulated import EmbeddedServices
from simulation.legacy_system.extract_writer import write_extract
from simulation.plan import SimulationPlan
from simulation.simulator import Simulator
from tests.factories import embedded_settings
from tests.legacy_changes import a_case_row, a_status_row


def backbone(data_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "composition.cli.main", *arguments],
        env={**os.environ, "BACKBONE_MODE": "embedded", "BACKBONE_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def night(tmp_path: Path, on: date, numbers: list[int], status: str = "ONTV") -> Path:
    cases = [a_case_row(zaaknummer=f"Z2026-000000{n}", status=status) for n in numbers]
    history = [a_status_row(n, "ONTV", date(2026, 3, 2), f"Z2026-000000{n}") for n in numbers]
    return write_extract(tmp_path / "from-legacy", on, cases, history)


def test_import_extract_brings_legacy_cases_into_the_tower_once_and_refuses_what_it_must(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    monday = backbone(
        data, "legacy", "import-extract", str(night(tmp_path, date(2026, 3, 2), [1, 2, 3])), "--json"
    )
    assert monday.returncode == 0, monday.stderr
    outcome: dict[str, Any] = json.loads(monday.stdout)
    assert (outcome["inserted"], outcome["tower_legacy_open_cases"]) == (6, 3)

    again = backbone(data, "legacy", "import-extract", str(night(tmp_path, date(2026, 3, 2), [1, 2, 3])))
    assert again.returncode == 0 and "imported already: nothing changed" in again.stdout

    tuesday = night(tmp_path, date(2026, 3, 3), [1, 3], status="INBH")
    done = backbone(data, "legacy", "import-extract", str(tuesday), "--json")
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)
    assert (outcome["updated"], outcome["deleted"], outcome["tower_legacy_open_cases"]) == (2, 2, 2)
    workload = json.loads(backbone(data, "tower", "workload", "--system", "legacy", "--json").stdout)
    assert workload == [{"procedure": "family", "stage": "in_decision", "open_cases": 2}]

    older = backbone(data, "legacy", "import-extract", str(night(tmp_path, date(2026, 3, 1), [9])))
    assert older.returncode == 5 and "older than the last one imported (2026-03-03)" in older.stderr

    broken = night(tmp_path, date(2026, 3, 4), [1])
    (broken / "zaken.csv").write_text(
        (broken / "zaken.csv").read_text().replace("2026-03-02,", "2-3-26,", 1)
    )
    refused = backbone(data, "legacy", "import-extract", str(broken), "--json")
    error = json.loads(refused.stderr)["error"]
    assert refused.returncode == 4 and error["code"] == "invalid_extract"
    assert (
        "zaken.csv: line 2, column datum_ontvangst: not a date (YYYY-MM-DD); nothing imported"
        in (error["message"])
    )
    assert (
        json.loads(backbone(data, "tower", "workload", "--system", "legacy", "--json").stdout) == workload
    )


def test_the_simulators_legacy_share_is_worked_in_the_legacy_and_the_same_for_a_seed(
    tmp_path: Path,
) -> None:
    plan = SimulationPlan(starts_on=date(2025, 9, 1), weeks=6, scale=0.02, seed=5)

    def simulated(folder: Path) -> tuple[int, int, int, int]:
        folder.mkdir()
        settings = embedded_settings(folder, routing_file=write_demo_routing(folder))
        clock = ManualClock(datetime.combine(plan.first_monday, time(8), tzinfo=UTC))
        services = EmbeddedServices(settings, clock)
        try:
            legacy = services.legacy_desk(plan.seed, plan.first_monday)
            stats = Simulator(
                services.intake, services.decision, clock, services.settle, plan, legacy=legacy
            ).run()
            tower = services.backbone.tower
            study = [r for r in tower.workload() if r.procedure == "study"]
            backbone_study = stats.per_procedure["study"].accepted
            events = services.backbone.system.legacy_bridge.recorder.max_notification_id() or 0
            return stats.legacy_registered, backbone_study, legacy_open_cases(tower), events + len(study)
        finally:
            services.close()

    first = simulated(tmp_path / "first")
    registered, accepted_by_intake, legacy_open, _ = first
    assert registered > 0 and accepted_by_intake == 0  # intake never saw a study application
    assert legacy_open > 0
    assert simulated(tmp_path / "second") == first


def test_backbone_demo_shows_legacy_and_new_cases_together() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", "demo", "--no-serve", "--weeks", "4", "--json"],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    document = json.loads(result.stdout)
    assert document["legacy_registered"] > 0 and document["legacy_open_cases"] > 0
    assert document["total_open_cases"] > document["legacy_open_cases"]  # new cases beside them
