"""Freshness: per event, the time from its recorded_at in intake's store to the commit of the tower
transaction that applied it, measured in a window after a warm-up, as percentiles."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from backbone.clock import SystemClock
from backbone.codec import AvroCodec
from backbone.schemas import SchemaCatalog
from bench.memory import peak_rss_mib
from bench.paced_load import drive_intake, send_paced
from bench.scratch import scratch
from bench.tower_history import prepared_events
from composition.parts import build_intake
from services.intake.application.intake import Intake


def freshness(rate: int, warm_up: float, seconds: float, drivers: int, source: str) -> dict[str, Any]:
    """``source`` intake: the whole path (intake commands, outbox relay, Kafka, tower). ``source`` kafka:
    the tower alone at the rate, fed by a paced producer of generated intake events stamped as recorded
    when sent (what the tower sees of a faster intake than this machine can run)."""
    codec = AvroCodec(SchemaCatalog.load())
    with scratch() as settings:
        intake = build_intake(settings, codec=codec, clock=SystemClock())  # creates intake's schema
        logs = settings.data_dir
        latencies = logs / "latencies.txt"
        wanted = round(rate * (warm_up + seconds)) + rate
        prepared = prepared_events(settings, codec, wanted) if source == "kafka" else []
        env = {**os.environ, **settings.as_environment(), "BACKBONE_LOG_FORMAT": "json"}
        # the timed tower runs through the CLI's hidden --worker-latencies option (bench.timed_tower)
        command = [sys.executable, "-m", "bench.tower", "--worker-latencies", str(latencies)]
        processes = [subprocess.Popen(command, env=env, stderr=(logs / "tower.log").open("w"))]
        if source == "intake":
            relay = [sys.executable, "-m", "composition.cli.main", "run", "intake"]
            processes.append(subprocess.Popen(relay, env=env, stderr=(logs / "relay.log").open("w")))
        try:
            wait_for(lambda: latencies.exists(), 60, "the tower worker joined its group", logs)
            driver_peak = None
            if source == "intake":
                started, lag, driver_peak = drive_intake(settings, rate, warm_up + seconds, drivers)
                recorded = count_events(intake)
            else:
                started, lag, recorded = send_paced(settings, codec, prepared, rate, warm_up + seconds)
            wait_for(
                lambda: latencies_written(latencies) >= recorded, 120, "the tower applied every event", logs
            )
            memory = {
                "tower": peak_rss_mib(processes[0].pid),
                "relay": peak_rss_mib(processes[1].pid) if source == "intake" else None,
                "intake_driver": driver_peak,
            }
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
        intake.close()
        samples = [tuple(map(float, line.split())) for line in latencies.read_text().splitlines()[1:]]
    window = [
        applied - at for at, applied in samples if started + warm_up <= at < started + warm_up + seconds
    ]
    return {
        "source": source,
        "target_events_per_second": rate,
        "achieved_events_per_second": round(len(window) / seconds),
        "events_measured": len(window),
        "events_applied": len(samples),
        "events_recorded": recorded,
        "driver_processes": drivers if source == "intake" else 0,
        "driver_max_lag_s": round(lag, 3),
        "warm_up_s": warm_up,
        "measured_s": seconds,
        "peak_rss_mib": memory,
        **percentiles(window),
    }


def count_events(intake: Intake) -> int:
    recorder: Any = intake.recorder
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {recorder.datastore.schema}.{recorder.events_table_name}")
        row = cursor.fetchone()
    return int(next(iter(row.values())) if isinstance(row, dict) else row[0])


def latencies_written(path: Path) -> int:
    with path.open() as file:
        return sum(1 for _ in file) - 1  # the first line says the worker is ready


def wait_for(condition: Callable[[], bool], seconds: float, what: str, logs: Path) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting until {what}; see the logs in {logs}")
        time.sleep(0.2)


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"p50_s": None, "p95_s": None, "p99_s": None, "max_s": None}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {"p50_s": at(0.50), "p95_s": at(0.95), "p99_s": at(0.99), "max_s": round(ordered[-1], 3)}
