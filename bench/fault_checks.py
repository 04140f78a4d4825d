"""What must hold once the faults are over and everything has settled: every command that got a
success answer is in intake's store and its application became a case in decision's store (nothing
lost); no event recorded twice, each aggregate's versions 1, 2, 3... without a gap, no case opened twice
and the tower's counts equal to the stores' (nothing applied twice); the tower's live views equal to a
full rebuild's; ``backbone audit verify`` content."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from typing import Any
from uuid import UUID

from backbone.errors import NotFound
from backbone.settings import Settings
from bench.fault_load import Outcome
from composition.system import System
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

SUBMITTED, ACCEPTED = "nl.ind.intake.ApplicationSubmitted", "nl.ind.intake.ApplicationAccepted"
OPENED = "nl.ind.decision.CaseOpened"


def histories(system: System) -> dict[str, dict[str, list[tuple[int, str]]]]:
    """Per producing service, per aggregate: its (version, event type) in the log's order."""
    found: dict[str, dict[str, list[tuple[int, str]]]] = {}
    for service in ("intake", "decision"):
        per_aggregate: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for notification in system.log_of(service).select_notifications(start=1, limit=10_000_000):
            per_aggregate[str(notification.originator_id)].append(
                (notification.originator_version, notification.topic)
            )
        found[service] = dict(per_aggregate)
    return found


def events_per_type(logs: dict[str, dict[str, list[tuple[int, str]]]]) -> dict[str, int]:
    return dict(Counter(kind for log in logs.values() for events in log.values() for _, kind in events))


def settled(system: System, accepted: set[str]) -> bool:
    """Every accepted application is a case and the tower has applied every stored event."""
    logs = histories(system)
    if not accepted <= logs["decision"].keys():
        return False
    return build_tower_store(system.settings).event_counts() == events_per_type(logs)


def wait_until_settled(system: System, accepted: set[str], seconds: float) -> float:
    started = time.monotonic()
    while not settled(system, accepted):
        if time.monotonic() - started > seconds:
            break
        time.sleep(0.5)
    return round(time.monotonic() - started, 2)


def store_checks(system: System, outcomes: list[Outcome]) -> dict[str, Any]:
    """Lost and doubled: by the successful answers, the stores' histories and the tower's counts."""
    logs = histories(system)
    intake, decision = logs["intake"], logs["decision"]
    lost: list[str] = []
    for outcome in outcomes:
        if outcome.application_id is None:
            continue  # no success answer: nothing was promised
        kinds = [kind for _, kind in intake.get(outcome.application_id, [])]
        if SUBMITTED not in kinds:
            lost.append(f"application {outcome.application_id}: submitted, not in intake's store")
        elif outcome.accepted_at is not None and ACCEPTED not in kinds:
            lost.append(f"application {outcome.application_id}: accepted, not in intake's store")
    accepted_in_store = {a for a, events in intake.items() if any(k == ACCEPTED for _, k in events)}
    lost += [f"application {a}: accepted, no case" for a in sorted(accepted_in_store - decision.keys())]
    for outcome in outcomes:  # and as decision's own reading code finds them
        if outcome.accepted_at is not None and outcome.application_id is not None:
            try:
                system.decision.get_case(UUID(outcome.application_id))
            except NotFound:
                lost.append(f"application {outcome.application_id}: accepted, decision finds no case")
    doubled: list[str] = []
    for service, log in logs.items():
        for aggregate, events in log.items():
            versions = [version for version, _ in events]
            if versions != list(range(1, len(versions) + 1)):
                doubled.append(f"{service} {aggregate}: versions {versions}")
            for kind, times in Counter(kind for _, kind in events).items():
                if times > 1 and kind in (SUBMITTED, ACCEPTED, OPENED):
                    doubled.append(f"{service} {aggregate}: {kind} {times} times")
    doubled += [f"case {c} opened, never accepted" for c in sorted(decision.keys() - accepted_in_store)]
    stored = events_per_type(logs)
    in_tower = build_tower_store(system.settings).event_counts()
    for kind in sorted(stored.keys() | in_tower.keys()):
        difference = in_tower.get(kind, 0) - stored.get(kind, 0)
        if difference < 0:
            lost.append(f"tower: {-difference} {kind} stored, not applied")
        elif difference > 0:
            doubled.append(f"tower: {difference} {kind} applied more often than stored")
    return {
        "applications_in_intake": len(intake),
        "cases_in_decision": len(decision),
        "events_in_stores": stored,
        "events_in_tower": in_tower,
        "lost": lost,
        "duplicated": doubled,
    }


def tower_equals_rebuild(settings: Settings, environment: dict[str, str]) -> dict[str, Any]:
    """Rebuild the views into a new generation (not swapped in) and compare every view with the live
    generation's."""
    rebuilt = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", "tower", "rebuild", "--no-swap", "--json"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if rebuilt.returncode != 0:
        return {"equal": False, "problem": rebuilt.stderr[-2000:]}
    report = json.loads(rebuilt.stdout)
    live = build_tower_store(settings, report["generation"])  # --no-swap: the live one
    fresh = build_tower_store(settings, report["replaced"])  # ... and the one it built
    today = date.today()
    live_views, fresh_views = every_view(live, today), every_view(fresh, today)
    different = sorted(name for name in live_views if live_views[name] != fresh_views[name])
    live.datastore.close()
    fresh.datastore.close()
    return {"equal": not different, "different_views": different, "rebuild": report}


def every_view(tower: Any, today: date) -> dict[str, Any]:
    cases = sorted(facts.case_id for facts in tower.open_facts())[:50]
    return {
        "workload": workload_view(tower),
        "risk": deadline_risk_view(tower, today),
        "throughput": throughput_view(tower, today, 16),
        "lead_times": lead_times_view(tower),
        "aging": aging_view(tower, today),
        "issuance": issuance_view(tower, today),
        "by_team": workload_view(tower, group_by="team"),
        "wip": wip_view(tower, today, 16),
        "daily": throughput_view(tower, today, 4, granularity="day"),
        "stage_times": stage_times_view(tower),
        "forecast": forecast_view(tower, today),
        "counts": tower.event_counts(),
        "some_cases": [case_view(tower, case_id, today) for case_id in cases],
    }


def audit_verify(environment: dict[str, str]) -> dict[str, Any]:
    verified = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", "audit", "verify", "--json"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        report = json.loads(verified.stdout)
    except json.JSONDecodeError:
        report = {"output": verified.stdout[-2000:], "errors": verified.stderr[-2000:]}
    return {"exit_code": verified.returncode, "report": report}
