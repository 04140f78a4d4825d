"""The tower's deadline-risk view over real intake and decision commands (embedded mode)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from composition.embedded import EmbeddedBackbone
from services.control_tower.projections.case_facts import risk_summary
from services.decision.application.commands import parse_case_command
from services.intake.application.commands import (
    AcceptApplication,
    parse_application_command,
    parse_submission,
)
from tests.factories import NOW, an_application, clock, embedded_settings

TODAY = NOW.date()  # 2 November 2026


def accepted(backbone: Any, procedure: str, days_ago: int, ref: int, **extra: Any) -> Any:
    received = TODAY - timedelta(days=days_ago)
    channel = "application_centre" if procedure == "asylum" else "online"
    case_id = backbone.intake.submit_application(
        parse_submission(
            an_application(
                procedure=procedure,
                channel=channel,
                received_on=received,
                applicant_ref=f"P-{ref:016x}",
                **extra,
            )
        )
    )
    if procedure == "asylum":
        backbone.intake.execute(
            case_id, parse_application_command("classify", {"track": "general", "complexity": "high"})
        )
    backbone.intake.execute(case_id, AcceptApplication())
    backbone.settle()
    return case_id


def test_the_tower_shows_deadline_risk_notices_and_penalty_exposure(tmp_path: Path) -> None:
    backbone = EmbeddedBackbone(embedded_settings(tmp_path), clock=clock())
    late_family = accepted(backbone, "family", 130, 1)  # deadline early August: overdue
    backbone.decision.execute(
        late_family,
        parse_case_command("receive-notice-of-default", {"received_on": TODAY - timedelta(days=20)}),
    )
    late_asylum = accepted(backbone, "asylum", 250, 2)  # six months passed: overdue, but no dwangsom
    backbone.decision.execute(
        late_asylum,
        parse_case_command("receive-notice-of-default", {"received_on": TODAY - timedelta(days=30)}),
    )
    accepted(backbone, "study", 57, 3)  # 60 days: due in a few days
    waiting = accepted(backbone, "family", 75, 4)  # 15 days left, +10 suspended so far
    backbone.decision.execute(
        waiting,
        parse_case_command(
            "request-information",
            {
                "requested_on": TODAY - timedelta(days=10),
                "due_on": TODAY + timedelta(days=10),
                "subject_code": "income_proof",
            },
        ),
    )
    accepted(backbone, "research", 1, 5)  # plenty of time
    decided = accepted(backbone, "family", 100, 6)
    backbone.decision.execute(
        decided, parse_case_command("decide", {"decided_on": TODAY, "outcome": "granted"})
    )
    backbone.settle()

    summary = risk_summary(backbone.tower.open_case_facts(), TODAY)
    assert summary.buckets == {
        "overdue": 2,
        "under_7_days": 1,
        "under_30_days": 1,
        "later": 1,
        "no_deadline_yet": 0,
    }
    assert summary.notices_of_default == 2
    # The family notice came 20 days ago: the penalty runs since 5 days ago (23 a day); asylum owes nothing.
    assert summary.exposure_today == 6 * 23
    assert summary.exposure_in_4_weeks == 14 * 23 + 14 * 35 + 6 * 45
    assert [case for case, _, _ in summary.longest_overdue] == [str(late_asylum), str(late_family)]
    backbone.close()


def test_backbone_tower_risk_prints_json(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", "tower", "risk", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"BACKBONE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document["buckets"]) == {
        "overdue",
        "under_7_days",
        "under_30_days",
        "later",
        "no_deadline_yet",
    }
    assert document["exposure_eur"] == {"today": 0, "in_4_weeks": 0}


def test_an_objection_is_open_work_from_the_day_it_was_filed(tmp_path: Path) -> None:
    """An objection has no application in intake: the tower takes its receipt from the case decision
    opened, so that work in progress counts it as deadline risk does."""
    backbone = EmbeddedBackbone(embedded_settings(tmp_path), clock=clock())
    rejected = accepted(backbone, "family", 80, 5)
    decided = {
        "decided_on": TODAY - timedelta(days=40),
        "outcome": "rejected",
        "grounds": ["income_insufficient"],
    }
    backbone.decision.execute(rejected, parse_case_command("decide", decided))
    filed_on = TODAY - timedelta(days=20)
    case = backbone.decision.execute(rejected, parse_case_command("file-objection", {"filed_on": filed_on}))
    backbone.settle()
    (objection,) = [f for f in backbone.tower.open_case_facts() if f.procedure == "objection"]
    assert objection.case_id == str(case.objection_case_id) and objection.received_on == filed_on
    in_progress = dict(backbone.tower.work_in_progress([filed_on - timedelta(days=1), TODAY]))
    assert in_progress["objection"] == [0, 1]
    backbone.close()
