"""The duration of a cutover: ``backbone legacy cutover`` moving the in-flight legacy cases of one
procedure to the backbone, on PostgreSQL (distributed mode).

    python -m bench.legacy_cutover [--cases 2000] [--batch-size 200]

A scratch database and topics (bench/scratch.py); the legacy bridge's store is filled with ``--cases``
family cases in flight (ONTV, INBH, OPSC, VERL in turn, as the bridge records them from change records:
no Debezium is needed for what the cutover reads), then the real command runs in a process of its own,
with a routing table that plans the cutover, and its wall time is measured. Needs PostgreSQL and Kafka.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from tempfile import mkdtemp

from eventsourcing.persistence import Tracking

from backbone.settings import Settings
from bench.scratch import scratch
from composition.system import System
from services.legacy_bridge.application.change_items import ChangeItem
from services.legacy_bridge.domain.changes import LegacyChange

ON = "2026-04-01"
STATUSES = ("ONTV", "INBH", "OPSC", "VERL")
STREAM = "legacy.public.zaken:p0"


def in_flight_row(n: int) -> dict[str, object]:
    """The n-th family case in flight, as a change record's row holds it (the personal columns
    included: the bridge drops them as it would a captured row's)."""
    return {
        "zaaknummer": f"Z2026-{n:07d}",
        "zaaktype": "GEZIN",
        "status": STATUSES[n % len(STATUSES)],
        "datum_ontvangst": date(2026, 3, 2),
        "datum_besluit": None,
        "behandelaar": "jdevries",
        "team": "Zwolle-A",
        "naam": f"Aanvrager {n}",
        "geboortedatum": date(1990, 5, 17),
        "bsn": f"{100000000 + n}",
        "nationaliteit": "SYR",
        "adres": "Dorpsstraat 12, Zwolle",
        "opmerkingen": None,
        "gewijzigd_op": datetime(2026, 3, 20, 9, 0),
    }


def fill(settings: Settings, cases: int) -> None:
    system = System(settings)
    committed = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
    try:
        for start in range(0, cases, 500):
            items = [
                ChangeItem(STREAM, n + 1, LegacyChange("zaken", "r", None, in_flight_row(n), committed))
                for n in range(start, min(cases, start + 500))
            ]
            system.legacy_bridge.process(items, Tracking(STREAM, items[-1].position))
    finally:
        system.close()


def measure(settings: Settings, batch_size: int) -> dict[str, object]:
    routing = Path(mkdtemp(prefix="bench-cutover-")) / "routing.json"
    routing.write_text(
        json.dumps(
            {"version": "bench", "routes": [{"procedure": "family", "system": "legacy", "cutover_on": ON}]}
        )
    )
    environment = {**settings.over_environment(os.environ), "BACKBONE_ROUTING_FILE": str(routing)}
    command = [sys.executable, "-m", "composition.cli.main", "legacy", "cutover"]
    command += ["--procedure", "family", "--on", ON, "--batch-size", str(batch_size), "--json"]
    started = time.perf_counter()
    done = subprocess.run(command, env=environment, capture_output=True, check=True)
    wall = time.perf_counter() - started
    result: dict[str, object] = json.loads(done.stdout)
    return {"wall_seconds": round(wall, 2), **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=200)
    arguments = parser.parse_args()
    with scratch(
        Settings.from_env().with_overrides(pseudonym_pepper="a pepper for the bench, 32+ bytes")
    ) as settings:
        fill(settings, arguments.cases)
        figures = measure(settings, arguments.batch_size)
    figures.pop("refused", None)
    print(
        json.dumps(
            {
                "cases": arguments.cases,
                "batch_size": arguments.batch_size,
                **figures,
                "on": str(date.fromisoformat(ON)),
            }
        )
    )


if __name__ == "__main__":
    main()
