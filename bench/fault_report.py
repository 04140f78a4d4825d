"""The fault run's report: what was done to the system, what the client saw, the stalls, and the checks;
``passed`` when nothing was lost or doubled, the tower equals a rebuild and the audit is clean."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from itertools import pairwise
from pathlib import Path
from typing import Any

from bench.fault_load import LoadDriver
from bench.fault_plan import INFRA_FAULTS, PROCESS_KILLS, FaultInjector
from bench.fault_supervisor import Supervisor
from bench.fault_watch import CaseWatcher


def stalls(driver: LoadDriver, watcher: CaseWatcher) -> dict[str, Any]:
    """The longest wait of an accepted application for its case, and the longest time during the
    load in which no case was opened."""
    waits = [
        max(0.0, watcher.opened_at[o.application_id] - o.accepted_at)
        for o in driver.outcomes
        if o.accepted_at is not None and o.application_id in watcher.opened_at
    ]
    seen = sorted(t for t in watcher.opened_at.values() if driver.started_at <= t <= driver.finished_at)
    moments = [driver.started_at, *seen, driver.finished_at]
    gaps = [later - earlier for earlier, later in pairwise(moments)]
    return {
        "longest_wait_for_a_case_seconds": round(max(waits, default=0.0), 2),
        "median_wait_for_a_case_seconds": round(sorted(waits)[len(waits) // 2], 2) if waits else None,
        "longest_gap_without_a_new_case_seconds": round(max(gaps, default=0.0), 2),
        "cases_timed": len(waits),
    }


def recoveries(driver: LoadDriver, watcher: CaseWatcher, timeline: list[dict[str, Any]]) -> dict[str, Any]:
    """Per kind of fault, the longest time from its end (a server back, a process killed) to the next
    case opened: how long the system took to work again (the load never pauses)."""
    opened = sorted(watcher.opened_at.values())
    longest: dict[str, float] = {}
    for fault in timeline:
        end = driver.started_at + fault["at"] + fault["took"]
        after = next((t for t in opened if t >= end), None)
        if after is not None:
            longest[fault["kind"]] = round(max(longest.get(fault["kind"], 0.0), after - end), 2)
    return longest


def report(
    *,
    config: Any,
    driver: LoadDriver,
    watcher: CaseWatcher,
    injector: FaultInjector,
    supervisor: Supervisor,
    stores: dict[str, Any],
    rebuild: dict[str, Any],
    audit: dict[str, Any],
    durations: dict[str, float],
    run_dir: Path,
) -> dict[str, Any]:
    faults = injector.log
    outcomes = driver.outcomes
    kills = {kind: supervisor.kills[kind] for kind in PROCESS_KILLS}
    kills["rebuild"] = faults.done["rebuild"]
    unanswered = [o for o in outcomes if o.error is not None]
    checks = {
        "every_success_stored": not stores["lost"],
        "nothing_applied_twice": not stores["duplicated"],
        "tower_equals_rebuild": bool(rebuild["equal"]),
        "audit_clean": audit["exit_code"] == 0,
        "no_http_errors": not unanswered,
        "every_process_back": all(supervisor.running(name) for name in supervisor.processes),
        "every_fault_done": injector.error is None
        and all(faults.done[kind] == config.rounds for kind in INFRA_FAULTS)
        and all(kills[kind] == times * config.rounds for kind, times in PROCESS_KILLS.items()),
    }
    return {
        "passed": all(checks.values()),
        "checks": checks,
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()},
        "kills_survived": kills,
        "rebuild_generation_at_its_kill": dict(faults.rebuild_phases),
        "rebuilds_that_finished_before_their_kill": faults.rebuilds_finished_first,
        "broker_restarts": len(faults.broker_away_seconds),
        "broker_away_seconds": faults.broker_away_seconds,
        "postgres_restarts": len(faults.postgres_away_seconds),
        "postgres_away_seconds": faults.postgres_away_seconds,
        "failed_server_starts_tried_again": {
            "broker": injector.kafka.failed_starts,
            "postgres": injector.postgres.failed_starts,
        },
        "broker_blocked_seconds": faults.blocked_seconds,
        "broker_blocked_by": "SIGSTOP/SIGCONT of the broker's JVM (no iptables or nft here)",
        "process_starts": dict(supervisor.starts),
        "process_crashes_restarted": dict(supervisor.crashes),
        "process_exit_codes": {
            name: dict(Counter(str(code) for code in supervised.exits))
            for name, supervised in supervisor.processes.items()
        },
        "fault_error": repr(injector.error) if injector.error else None,
        "applications": {
            "sent": len(outcomes),
            "submitted": sum(1 for o in outcomes if o.application_id),
            "accepted": sum(1 for o in outcomes if o.accepted_at is not None),
            "http_errors_after_retries": len(unanswered),
            "unanswered": [o.error for o in unanswered][:20],
            "requests_retried": sum(1 for o in outcomes if o.retried_errors),
            "retried_because": dict(Counter(e for o in outcomes for e in o.retried_errors)),
        },
        "stalls": {
            **stalls(driver, watcher),
            "longest_from_a_fault_to_the_next_case_seconds": recoveries(driver, watcher, faults.timeline),
        },
        "events_lost": len(stores["lost"]),
        "events_duplicated": len(stores["duplicated"]),
        "lost": stores["lost"][:20],
        "duplicated": stores["duplicated"][:20],
        "stores": {k: v for k, v in stores.items() if k not in ("lost", "duplicated")},
        "tower_equals_rebuild": rebuild,
        "audit": audit,
        "timeline": faults.timeline,
        "durations_seconds": durations,
        "run_dir": str(run_dir),
    }
