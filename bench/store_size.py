"""Does a command cost more when the store is large? Intake's submit + accept on a new, empty database
and on a copy of a large one (the ten-year run's: 5M intake events and as many idempotency keys), in
turns, single and batched as the simulator batches. The copy is made once, with CREATE DATABASE ...
TEMPLATE, and dropped at the end; nobody may be connected to the template meanwhile.

    source /work/scale-run/env.sh
    python -m bench.store_size [--template ind_scale] [--applications 4000] [--rounds 3]
                               [--batch 200] [--json PATH]

Each round records ``--applications`` new applications (two events each) in both databases; rounds
accumulate in the copy and in the empty database alike. Events per second each; the ratio is large /
empty per round, and the median is reported.
"""

from __future__ import annotations

import argparse
import json
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from backbone.logs import configure_logging
from backbone.settings import Settings
from backbone.stores import postgres_dsn
from bench.commands import intake_events_per_second
from bench.scale_figures import tables_of
from bench.scratch import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--template", default=None, help="the large database to copy (default: the settings')"
    )
    parser.add_argument("--applications", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=200, help="commands per transaction when batched")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    arguments = parser.parse_args()
    configure_logging("console", "warning")
    settings = Settings.from_env()
    template = arguments.template or settings.postgres_dbname
    with scratch_database(settings, template) as large, scratch_database(settings) as empty:
        figures: dict[str, Any] = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "template": template,
            "large_store": intake_store(large),
            "applications_a_round": arguments.applications,
            "rows": [
                compare(large, empty, arguments.applications, arguments.rounds, batch)
                for batch in (1, arguments.batch)
            ],
        }
    print(markdown(figures))
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=2) + "\n")


def compare(large: Settings, empty: Settings, applications: int, rounds: int, batch: int) -> dict[str, Any]:
    runs = []
    for n in range(rounds):
        keys = f"store-size-{batch}-{n}-"
        on_large = intake_events_per_second(large, applications, seed=n, batch=batch, keys=keys)
        on_empty = intake_events_per_second(empty, applications, seed=n, batch=batch, keys=keys)
        runs.append(
            {"large": round(on_large), "empty": round(on_empty), "ratio": round(on_large / on_empty, 3)}
        )
    return {
        "commands_per_transaction": batch,
        "runs": runs,
        "median_ratio": statistics.median(r["ratio"] for r in runs),
    }


def intake_store(settings: Settings) -> dict[str, int]:
    events_table, tracking_table = tables_of("intake", settings)
    with psycopg.connect(postgres_dsn(settings)) as connection:
        row = connection.execute(
            f"SELECT (SELECT count(*) FROM {events_table}), pg_total_relation_size('{events_table}'), "
            f"(SELECT count(*) FROM {tracking_table}), pg_total_relation_size('{tracking_table}')"
        ).fetchone()
    assert row is not None
    return dict(zip(("events", "events_bytes", "keys", "keys_bytes"), map(int, row), strict=True))


def markdown(figures: dict[str, Any]) -> str:
    store = figures["large_store"]
    lines = [
        f"Large store: a copy of {figures['template']}, intake holding {store['events']:,} events "
        f"({store['events_bytes'] / 1e9:.2f} GB) and {store['keys']:,} keys "
        f"({store['keys_bytes'] / 1e9:.2f} GB)",
        "",
        "| commands a transaction | large (events/s) | empty (events/s) | large / empty, median |",
        "|---:|---|---|---:|",
    ]
    for row in figures["rows"]:
        large = ", ".join(f"{r['large']:,}" for r in row["runs"])
        empty = ", ".join(f"{r['empty']:,}" for r in row["runs"])
        lines.append(f"| {row['commands_per_transaction']} | {large} | {empty} | {row['median_ratio']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
