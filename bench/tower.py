"""The control tower on the real broker and PostgreSQL: rebuild throughput and freshness.

    python -m bench.tower [--part rebuild|freshness|all] [--weeks 20] [--applications-per-week 300]
                          [--rounds 2] [--batch-size 500] [--rates 100,500] [--sources intake,kafka]
                          [--warm-up 10] [--seconds 40] [--drivers 3] [--json PATH]

rebuild    Simulated weeks (the simulator's real intake and decision commands, embedded stores for speed),
           published by the services' relays to topics of 6 partitions. Then, taking turns in one run,
           per round:
             bare      a bare KafkaConsumer reading both topics from the beginning to the end, doing
                       nothing, timed from its construction to the last record; run twice, with
                       Python's default garbage collection and with the rebuild's, the higher counts
             rebuild   `backbone tower rebuild`'s path (rebuild_views): every partition folded in memory
                       and each table of a new PostgreSQL schema written once, timed from the offset
                       probe to the commit; then the same with --workers 2
             tracked   the live tower's tracked consumer (a transaction per batch) into a fresh schema,
                       as a tower process catches up; its first batch (the group join) is not timed
           Events per second each; the ratio is rebuild / bare per round, and the median is reported.
           One more rebuild runs under cProfile.
freshness  Per event, the time from its recorded_at in intake's store to the commit of the tower
           transaction that applied it (the tower process wraps the projection's process()). Sources:
             intake  the whole path: intake commands on a steady schedule through the real intake
                     application on PostgreSQL (driver processes), intake's relay (`backbone run intake`)
                     and one tower consumer, each a process of its own
             kafka   the tower alone at the rate: a paced producer sends generated intake events to
                     intake's topic, each stamped recorded-at as it is sent
Writes bench/results/tower-<date>.json and prints markdown tables. Needs Kafka and PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from backbone.logs import configure_logging
from bench.freshness import freshness
from bench.timed_tower import tower_worker
from bench.tower_rebuild import peer_markdown, rebuild

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=["rebuild", "freshness", "all"], default="all")
    parser.add_argument("--weeks", type=int, default=20, help="rebuild: simulated weeks")
    parser.add_argument(
        "--applications-per-week", type=int, default=300, help="rebuild: the simulation's mean"
    )
    parser.add_argument("--rounds", type=int, default=2, help="rebuild: A B rounds")
    parser.add_argument("--batch-size", type=int, default=500, help="rebuild: records per poll (both)")
    parser.add_argument("--rates", default="100,500", help="freshness: intake events per second")
    parser.add_argument(
        "--sources", default="intake,kafka", help="freshness: intake (whole path), kafka (tower alone)"
    )
    parser.add_argument("--warm-up", type=float, default=10.0, help="freshness: seconds not measured")
    parser.add_argument("--seconds", type=float, default=40.0, help="freshness: seconds measured")
    parser.add_argument("--drivers", type=int, default=3, help="freshness: intake command processes")
    parser.add_argument("--json", type=Path, help=f"default: {RESULTS}/tower-<date>.json")
    parser.add_argument("--worker-latencies", type=Path, help=argparse.SUPPRESS)  # the tower process
    arguments = parser.parse_args()
    if arguments.worker_latencies:
        return tower_worker(arguments.worker_latencies)
    configure_logging("console", "warning")
    figures: dict[str, Any] = {"measured_at": datetime.now(UTC).isoformat(timespec="seconds")}
    if arguments.part in ("rebuild", "all"):
        figures["rebuild"] = rebuild(
            arguments.weeks, arguments.applications_per_week, arguments.rounds, arguments.batch_size
        )
        print(rebuild_markdown(figures["rebuild"]))
        print(peer_markdown(figures["rebuild"]))
    if arguments.part in ("freshness", "all"):
        rates = [int(r) for r in arguments.rates.split(",")]
        figures["freshness"] = [
            freshness(rate, arguments.warm_up, arguments.seconds, arguments.drivers, source)
            for source in arguments.sources.split(",")
            for rate in rates
        ]
        print(freshness_markdown(figures["freshness"]))
    path = arguments.json or RESULTS / f"tower-{date.today().isoformat()}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2))
    print(f"\nwritten to {path}")


def rebuild_markdown(f: dict[str, Any]) -> str:
    lines = [
        f"Tower rebuild: {f['events']} events ({f['applications']} applications), {f['partitions']} "
        f"partitions per topic, {f['batch_size']} records per poll; filled in {f['fill_seconds']} s",
        "",
        "| round | bare events/s (default GC / rebuild's GC) | rebuild events/s "
        "| rebuild, 2 workers events/s | tracked consumer events/s | rebuild / bare | 2 workers / bare "
        "| tracked / bare |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {n + 1} | {r['bare_default_gc']:,} / {r['bare_rebuild_gc']:,} | {r['rebuild']:,} "
            f"| {r['rebuild_2_workers']:,} | {r['tracked']:,} "
            f"| {r['ratio']} | {r['ratio_2_workers']} | {r['tracked_ratio']} |"
            for n, r in enumerate(f["runs"])
        ),
        "",
        f"median ratio **{f['median_ratio']}** in one process, **{f['median_ratio_2_workers']}** with 2 "
        f"workers (target >= {f['target']}: {'met' if f['met_in_one_process'] else 'not met'} in one "
        f"process, {'met' if f['met_with_2_workers'] else 'not met'} with 2 workers)",
        "",
        "| profiled rebuild: function | calls | own s | cumulative s |",
        "|---|---:|---:|---:|",
        *(f"| `{p['function']}` | {p['calls']} | {p['own_s']} | {p['cum_s']} |" for p in f["profile"]),
    ]
    return "\n".join(lines)


def freshness_markdown(runs: list[dict[str, Any]]) -> str:
    return "\n".join(
        [
            "Freshness: intake recorded_at -> tower commit, per event",
            "",
            "| events from | target events/s | achieved events/s | events measured | p50 s | p95 s | p99 s "
            "| max s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            *(
                f"| {r['source']} | {r['target_events_per_second']} | {r['achieved_events_per_second']} | "
                f"{r['events_measured']} | {r['p50_s']} | {r['p95_s']} | {r['p99_s']} | {r['max_s']} |"
                for r in runs
            ),
        ]
    )


if __name__ == "__main__":
    main()
