"""Reconciliation on the real PostgreSQL, Kafka Connect (Debezium) and Kafka: caseworkers work the
legacy database, the bridge translates what Debezium captures, the tower reads the bridge's topic, and
``backbone legacy reconcile`` finds no difference; then a legacy change the tower has not seen and a
difference planted in the tower's views are each reported with their reason, until the pipeline has
carried the legacy changes through and only the planted one is left."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import psycopg
import pytest

from backbone.identity.principal import Role
from backbone.settings import Settings
from composition.legacy_parts import start_legacy_capture
from composition.legacy_reconcile import reconcile_legacy, tower_behind
from composition.reconcile_loop import PeriodicReconciliation
from composition.system import System
from services.control_tower.adapters.live_views import LiveViews
from services.control_tower.domain.reconciliation import Reconciliation
from services.legacy_bridge.domain.legacy_case import legacy_case_id
from simulation.legacy_system.schema import legacy_dsn
from tests.api_access import signed_in_api
from tests.integration.legacy_world import (
    WAIT_SECONDS,
    LegacyWorld,
    end_offsets,
    legacy_rows,
    refused,
    run_bridge_until,
    translated_as_in,
)

pytestmark = [pytest.mark.postgres, pytest.mark.kafka, pytest.mark.kafka_connect]


def test_the_legacy_database_and_the_tower_reconcile_and_each_difference_is_named(
    legacy_world: LegacyWorld,
) -> None:
    world, settings = legacy_world, legacy_world.settings
    for _ in range(4):
        world.caseworkers.work_day(actions=8)
    start_legacy_capture(settings, world.capture)
    system = System(settings)
    try:
        bridge_consumer = system.legacy_consumer(group_id=f"{settings.topic_prefix}legacy_bridge")
        for _ in range(8):
            world.caseworkers.work_day(actions=10)
        cases, history = legacy_rows(settings)
        bridge = system.legacy_bridge
        run_bridge_until(system, bridge_consumer, lambda: translated_as_in(bridge, cases, history))
        live = system.live_views(consuming=True, group_id=f"{settings.topic_prefix}control_tower")
        _tower_until_caught_up(settings, live)

        clean = _reconciled(system, live)
        assert clean.caught_up and clean.unexplained == [], clean.unexplained[:5]
        refusals = {zaaknummer for zaaknummer, final in cases.items() if refused(final)}
        assert clean.compared == len(cases) - len(refusals) > 40
        assert {d.zaaknummer for d in clean.differences} == refusals  # explained: not_translated
        assert sum(c.legacy for c in clean.counts) == sum(c.tower for c in clean.counts) == clean.compared
        assert _cli(settings, "--settle", "30")[0] == 0

        # The legacy database changes behind the tower's back, and someone edits the tower's views.
        moved, deleted, planted = _three_open_cases(cases, refusals)
        with psycopg.connect(legacy_dsn(settings)) as legacy:
            legacy.execute(
                "UPDATE zaken SET status = 'INTR', gewijzigd_op = now() WHERE zaaknummer = %s", (moved,)
            )
            legacy.execute("DELETE FROM zaken WHERE zaaknummer = %s", (deleted,))
            legacy.execute(
                "INSERT INTO zaken (zaaknummer, zaaktype, status, datum_ontvangst, gewijzigd_op) "
                "VALUES ('Z-RECONCILE-1', 'GEZIN', 'ONTV', current_date, now())"
            )
        store = live.current()
        with store.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                f"UPDATE {store.facts.table} SET statutory_deadline = %s WHERE case_id = %s",
                ("2031-01-01", str(legacy_case_id(planted))),
            )

        found = _reconciled(system, live)
        assert {(d.zaaknummer, d.reason) for d in found.unexplained} == {
            (moved, "stage_differs"),
            (None, "missing_in_legacy"),  # the tower knows only the case id of a row that is gone
            ("Z-RECONCILE-1", "missing_in_tower"),
            (planted, "deadline_differs"),
        }
        missing = next(d for d in found.unexplained if d.reason == "missing_in_legacy")
        assert missing.case_id == str(legacy_case_id(deleted))
        assert next(d for d in found.unexplained if d.zaaknummer == moved).legacy == "withdrawn"
        code, document = _cli(settings)
        assert code == 1 and document["unexplained_total"] == 4
        assert document["by_reason"]["stage_differs"] == 1 and document["caught_up"]
        _served_as_the_gauge_and_the_operations_view(system, live)

        # Once the bridge and the tower have carried the changes through, only the planted one is left.
        ends = end_offsets(settings, bridge_consumer.feed.topics)  # type: ignore[attr-defined]
        run_bridge_until(
            system,
            bridge_consumer,
            lambda: all((bridge.max_position(s) or 0) >= e for s, e in ends.items()),
        )
        _tower_until_caught_up(settings, live)
        after = _reconciled(system, live)
        assert [(d.zaaknummer, d.reason) for d in after.unexplained] == [(planted, "deadline_differs")]
    finally:
        system.close()


def _served_as_the_gauge_and_the_operations_view(system: System, live: LiveViews) -> None:
    """``backbone serve``'s periodic reconciliation, read on /metrics and by the dashboard's view."""
    settings = system.settings_for("control_tower").with_overrides(legacy_reconcile_interval=60)
    periodic = PeriodicReconciliation(settings, live.current, system.clock)
    api = signed_in_api(system.intake, system.decision, live.current, reconciliations=periodic)
    assert api.get("/v1/legacy/reconciliation").json() == {"interval_seconds": 60, "last": None}
    assert periodic.run_once() is not None
    metrics = api.get("/metrics").text
    assert (
        'backbone_legacy_reconcile_differences{procedure="family",reason="missing_in_tower"} 1.0' in metrics
    )
    assert "backbone_legacy_reconcile_caught_up 1.0" in metrics
    view = api.get("/v1/legacy/reconciliation", params={"limit": 2})
    assert view.status_code == 200 and view.json()["last"]["unexplained_total"] == 4
    assert len(view.json()["last"]["differences"]) == 2
    planner = signed_in_api(
        system.intake,
        system.decision,
        live.current,
        roles=(Role.PLANNER,),
        reconciliations=periodic,
    )
    assert planner.get("/v1/legacy/reconciliation").status_code == 403


def _reconciled(system: System, live: LiveViews) -> Reconciliation:
    return reconcile_legacy(system.settings_for("control_tower"), live.current, system.clock)


def _tower_until_caught_up(settings: Settings, live: LiveViews) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        for consumer in live.consumers:
            consumer.step(timeout=0.2)
        behind = tower_behind(settings, live.current())
        if behind and not any(behind.values()):
            return
        assert time.monotonic() < deadline, f"the tower did not catch up with the bridge: {behind}"


def _three_open_cases(cases: dict[str, dict[str, Any]], refusals: set[str]) -> list[str]:
    open_ones = sorted(
        z for z, final in cases.items() if final["status"] in ("ONTV", "INBH") and z not in refusals
    )
    assert len(open_ones) >= 3, "the caseworkers left too few open cases for this test"
    return open_ones[:3]


def _cli(settings: Settings, *options: str) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", "legacy", "reconcile", "--json", *options],
        env=settings.over_environment(dict(os.environ)),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return done.returncode, json.loads(done.stdout)
