"""Throughput and lead times in the tower, over real commands with a clock that moves week by week."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from composition.embedded import EmbeddedBackbone
from services.control_tower.domain.flow import lead_times, weekly_flow
from services.decision.application.commands import parse_case_command
from services.intake.application.commands import AcceptApplication
from tests.factories import a_submission, clock, embedded_settings


def test_weekly_inflow_and_outflow_and_lead_times(tmp_path: Path) -> None:
    time = clock()  # Monday 2 November 2026, ISO week 45
    backbone = EmbeddedBackbone(embedded_settings(tmp_path), clock=time)
    start = time.now().date()
    cases = []
    for week in range(3):  # weeks 45, 46, 47: accept 2, 3, 4 family applications
        for n in range(2 + week):
            received = time.now().date() - timedelta(days=5)
            case_id = backbone.intake.submit_application(
                a_submission(received_on=received, applicant_ref=f"P-{week:08x}{n:08x}")
            )
            backbone.intake.execute(case_id, AcceptApplication())
            cases.append(case_id)
        backbone.settle()
        time.advance(timedelta(weeks=1))
    today = time.now().date()  # week 48
    for case_id in cases[:3]:  # decide three in week 48
        backbone.decision.execute(
            case_id, parse_case_command("decide", {"decided_on": today, "outcome": "granted"})
        )
    backbone.settle()

    flows = {(f.week, f.inflow, f.outflow) for f in weekly_flow(backbone.tower.flow_facts(start), today, 4)}
    assert flows == {("2026-W45", 2, 0), ("2026-W46", 3, 0), ("2026-W47", 4, 0), ("2026-W48", 0, 3)}
    (family,) = lead_times(backbone.tower.decided_facts())
    assert (family.procedure, family.decided) == ("family", 3)
    assert (family.p50, family.p95) == (
        26,
        26,
    )  # received 5 days before 2 Nov, decided 23 Nov (week 45 cases)
    backbone.close()
