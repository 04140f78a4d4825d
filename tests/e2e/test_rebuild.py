"""A full rebuild of the tower from the streams gives exactly the live views (thousands of cases)."""

from __future__ import annotations

import shutil
import time as wallclock
from datetime import date
from pathlib import Path
from typing import Any

from composition.embedded import EmbeddedBackbone
from services.control_tower.adapters.live_views import build_tower_store
from services.control_tower.application.flow_views import (
    forecast_view,
    lead_times_view,
    stage_times_view,
    throughput_view,
    wip_view,
)
from services.control_tower.application.views import (
    aging_view,
    case_view,
    deadline_risk_view,
    issuance_view,
    workload_view,
)
from services.control_tower.rebuild import rebuild_views
from simulation.plan import SimulationPlan
from simulation.simulator import Simulator
from tests.factories import embedded_settings, simulation_clock

PLAN = SimulationPlan(starts_on=date(2026, 1, 5), weeks=12, scale=0.1, seed=5)


def every_view(tower: Any, today: Any) -> dict[str, Any]:
    some_open_cases = sorted(f.case_id for f in tower.open_facts())[:20]
    return {
        "workload": workload_view(tower),
        "risk": deadline_risk_view(tower, today),
        "throughput": throughput_view(tower, today, 16),
        "lead_times": lead_times_view(tower),
        "aging": aging_view(tower, today),
        "issuance": issuance_view(tower, today),
        "by_team": workload_view(tower, group_by="team"),
        "by_target_group": workload_view(tower, group_by="target_group"),
        "wip": wip_view(tower, today, 16),
        "daily": throughput_view(tower, today, 4, granularity="day"),
        "stage_times": stage_times_view(tower),
        "forecast": forecast_view(tower, today),
        "counts": tower.event_counts(),
        "some_cases": [case_view(tower, case_id, today) for case_id in some_open_cases],
    }


def test_a_full_rebuild_produces_exactly_the_live_views(tmp_path: Path) -> None:
    clock = simulation_clock(PLAN)
    settings = embedded_settings(tmp_path / "live")
    live = EmbeddedBackbone(settings, clock=clock)
    started = wallclock.perf_counter()
    stats = Simulator(live.intake, live.decision, clock, live.settle, PLAN).run()
    assert stats.decided > 500 and stats.commands > 3000
    today = clock.now().date()
    live_views = every_view(live.tower, today)
    assert live_views["counts"]["nl.ind.intake.ApplicationSubmitted"] == stats.applications
    assert sum(r["open_cases"] for r in live_views["workload"]) > 1000
    assert live_views["lead_times"] and live_views["issuance"]

    rebuild = tmp_path / "rebuild"
    rebuild.mkdir()
    for part in (tmp_path / "live").glob("*.sqlite*"):
        if not part.name.startswith("control_tower"):
            shutil.copy(part, rebuild / part.name)
    rebuilt = EmbeddedBackbone(embedded_settings(rebuild), clock=clock)
    rebuilt.settle()
    assert every_view(rebuilt.tower, today) == live_views

    # The rebuild's own path (streams folded in memory, each table written once) gives the same views.
    report = rebuild_views(settings, codec=live.codec, swap=False)
    assert report.events == report.applied == sum(live_views["counts"].values())
    bulk = build_tower_store(settings, report.replaced)  # the generation built, not swapped in
    assert every_view(bulk, today) == live_views
    assert bulk.positions() == live.tower.positions()
    print(f"{stats.applications} simulated applications in {wallclock.perf_counter() - started:.1f} s")
    live.close()
    rebuilt.close()
