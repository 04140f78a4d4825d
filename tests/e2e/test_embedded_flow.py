"""End to end on the embedded default: intake -> decision -> control tower, SQLite, no Kafka."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from uuid import UUID

from composition.embedded import EmbeddedBackbone
from simulation.samples import run_sample, sample_applications
from tests.e2e.scenarios import EXPECTED_WORKLOAD, gap_events, run_scenarios
from tests.factories import NOW, clock, embedded_settings


def test_the_tower_shows_every_submitted_application_in_its_stage(tmp_path: Path) -> None:
    backbone = EmbeddedBackbone(embedded_settings(tmp_path), clock=clock())
    rng = random.Random(3)
    expected: Counter[tuple[str, str]] = Counter()
    for application in sample_applications(400, seed=3, today=NOW.date()):
        accept = rng.random() < 0.7
        run_sample(backbone.intake, application, accept=accept, today=NOW.date())
        expected[(application["procedure"], "in_decision" if accept else "in_intake")] += 1
    backbone.settle()
    shown = {(r.procedure, r.stage): r.open_cases for r in backbone.tower.workload()}
    assert shown == dict(expected)
    assert len({p for p, _ in shown}) >= 8  # the sample covers the procedures
    backbone.close()


def test_the_tower_catches_up_after_a_restart(tmp_path: Path) -> None:
    settings = embedded_settings(tmp_path)
    first = EmbeddedBackbone(settings, clock=clock())
    for application in sample_applications(30, seed=1, today=NOW.date()):
        run_sample(first.intake, application, accept=True, today=NOW.date())
    first.close()
    second = EmbeddedBackbone(settings, clock=clock())  # nothing has consumed anything yet
    second.settle()
    assert sum(r.open_cases for r in second.tower.workload()) == 30
    assert second.tower.event_counts()["nl.ind.decision.CaseOpened"] == 30
    second.close()


def test_backbone_demo_exits_zero_and_prints_the_table() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", "demo", "--no-serve", "--weeks", "8"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Simulated 8 weeks" in result.stdout and "in_decision" in result.stdout
    assert "simulating a year of IND work: 8/8 weeks" in result.stderr  # the progress, as lines
    tower_total = [line for line in result.stdout.splitlines() if line.startswith("total ")][-1]
    assert int(tower_total.split()[-1]) > 0  # the tower's open cases


def test_backbone_demo_json_is_machine_readable() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", "demo", "--no-serve", "--weeks", "4", "--json"],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    document = json.loads(result.stdout)
    assert document["weeks"] == 4 and document["refused"] == 0
    assert document["total_open_cases"] == sum(r["open_cases"] for r in document["open_cases"]) > 0


def test_submitting_bad_input_from_the_command_line_names_the_field(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "composition.cli.main",
            "intake",
            "submit",
            "--procedure",
            "asylum",
            "--channel",
            "online",
            "--received-on",
            "2026-01-05",
            "--nationality",
            "SYR",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"BACKBONE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 4  # an invalid command
    assert "applicant_ref: Field required [missing]" in result.stderr
    assert "nothing recorded" in result.stderr


def test_an_asylum_case_scripted_from_the_command_line(tmp_path: Path) -> None:
    env = {"BACKBONE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def backbone(*arguments: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "composition.cli.main", *arguments],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=env,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    case = backbone(
        "intake",
        "submit",
        "--procedure",
        "asylum",
        "--channel",
        "application_centre",
        "--received-on",
        "2026-11-02",
        "--applicant-ref",
        "P-00000000000000a1",
        "--nationality",
        "SYR",
    )
    for _ in range(2):  # a repeated command with the same key records once
        backbone(
            "intake",
            "classify",
            case,
            "--track",
            "general",
            "--complexity",
            "high",
            "--idempotency-key",
            "c1",
        )
    backbone(
        "intake",
        "notify-defect",
        case,
        "--notified-on",
        "2026-11-05",
        "--remedy-by",
        "2026-11-19",
        "--missing",
        "passport_copy",
    )
    backbone("intake", "remedy-defect", case, "--remedied-on", "2026-11-10")
    accepted = json.loads(backbone("intake", "accept", case, "--json"))
    # 6 months from 2 November 2026 is Sunday 2 May 2027; five suspended days make it Friday 7 May.
    assert accepted == {
        "application_id": case,
        "status": "accepted",
        "statutory_deadline": "2027-05-07",
        "version": 5,
    }
    status = json.loads(backbone("tower", "status", "--json"))
    assert status["open_cases"] == [{"procedure": "asylum", "stage": "in_decision", "open_cases": 1}]


def test_four_scripted_cases_end_in_the_right_stages(tmp_path: Path) -> None:
    backbone = EmbeddedBackbone(embedded_settings(tmp_path), clock=clock())

    def wait_for_case(case_id: UUID) -> None:
        backbone.settle()
        backbone.decision.get_case(case_id)

    cases = run_scenarios(backbone.intake, backbone.decision, wait_for_case)
    backbone.settle()
    shown = {(r.procedure, r.stage): r.open_cases for r in backbone.tower.workload()}
    assert shown == EXPECTED_WORKLOAD
    assert len(gap_events(backbone.intake, cases["renewal"])) == 1
    backbone.close()
