"""The benchmark suite in one command: every figure next to its ceiling, measured side by side, with its
target and whether it was met, as markdown and JSON.

    python -m bench [--quick] [--json PATH] [--markdown PATH]

Needs Kafka and PostgreSQL (`make infra-up`). Parts, in order:
  commands    intake commands against a bare eventsourcing application, SQLite and PostgreSQL, one
              and 200 per transaction, and the reconstruction of a 60-event case (bench/commands.py)
  throughput  the outbox relay against a bare producer, the tracked consumer against a bare consumer,
              SQLite and PostgreSQL                                              (bench/throughput.py)
  rebuild     the tower rebuild against a bare consumer, one process and two, and against the same
              projection in Quix Streams                 (bench/tower_rebuild.py, bench/quix_peer.py)
  freshness   intake's record to visible in the tower, p50/p99, at 100, 500 and 2,000 events/s fed from
              Kafka, and at 100 and 500 through the whole path from intake commands, with the peak
              memory of the tower, the relay and the intake drivers           (bench/freshness.py)
Each part's own module says what it measures; the rebuild part also profiles the rebuild and the peer.
``--quick`` runs every part small, to check the suite works; its figures are not the ones to quote.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from backbone.logs import configure_logging
from bench.commands import commands, reconstruct
from bench.freshness import freshness
from bench.throughput import run as throughput
from bench.tower_rebuild import rebuild

RESULTS = Path(__file__).parent / "results"
TARGETS = {"relay": 0.8, "rebuild": 0.5, "freshness_p99_s": 1.0}
BATCH = 200  # commands per transaction in the batched intake figure


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="every part small: checks the suite runs")
    parser.add_argument("--json", type=Path, help=f"default: {RESULTS}/suite-<date>.json")
    parser.add_argument("--markdown", type=Path, help=f"default: {RESULTS}/suite-<date>.md")
    arguments = parser.parse_args()
    configure_logging("console", "warning")
    figures = run_suite(quick=arguments.quick)
    table = markdown(figures)
    print(table)
    stem = f"suite-{date.today().isoformat()}{'-quick' if arguments.quick else ''}"
    json_path = arguments.json or RESULTS / f"{stem}.json"
    markdown_path = arguments.markdown or RESULTS / f"{stem}.md"
    for path, text in ((json_path, json.dumps(figures, indent=2)), (markdown_path, table + "\n")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f"\nwritten to {json_path} and {markdown_path}")


def run_suite(*, quick: bool) -> dict[str, Any]:
    started = time.perf_counter()
    applications, rounds = (300, 1) if quick else (2000, 2)
    figures: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
    }
    figures["commands"] = [
        commands(store, applications, rounds, batch)
        for store in ("sqlite", "postgres")
        for batch in (1, BATCH)
    ]
    figures["reconstruct"] = reconstruct(60)
    figures["throughput"] = [
        throughput(1000 if quick else 5000, 6, store) for store in ("sqlite", "postgres")
    ]
    weeks, per_week = (6, 100) if quick else (40, 400)
    figures["rebuild"] = rebuild(weeks, per_week, 1 if quick else 3, 500)
    warm_up, seconds = (3.0, 6.0) if quick else (10.0, 40.0)
    figures["freshness"] = [
        freshness(rate, warm_up, seconds, 3, source)
        for source, rates in (("kafka", (100, 500, 2000)), ("intake", (100, 500)))
        for rate in rates
    ]
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures


def markdown(f: dict[str, Any]) -> str:
    relay = [t["relay_vs_bare_producer"] for t in f["throughput"]]
    rebuild_one, rebuild_two = f["rebuild"]["median_ratio"], f["rebuild"]["median_ratio_2_workers"]
    one_met, two_met = rebuild_one >= TARGETS["rebuild"], rebuild_two >= TARGETS["rebuild"]
    at_500 = [r for r in f["freshness"] if r["target_events_per_second"] == 500]
    rows = [
        *(
            _row(
                f"intake commands, {c['store']}, {_per_transaction(c)}, against a bare eventsourcing "
                "application saving as many events as many times",
                f"{c['median_ratio']} (median of {len(c['runs'])})",
                "-",
                None,
            )
            for c in f["commands"]
        ),
        *(
            _row(
                f"reconstruct a 60-event case, {store}",
                f"{f['reconstruct'][store]['median_ms']} ms median",
                "-",
                None,
            )
            for store in ("sqlite", "postgres")
        ),
        *(
            _row(
                f"outbox relay, {t['store']}, against a bare producer",
                str(t["relay_vs_bare_producer"]),
                f">= {TARGETS['relay']}",
                t["relay_vs_bare_producer"] >= TARGETS["relay"],
            )
            for t in f["throughput"]
        ),
        *(
            _row(
                f"tracked consumer, {t['store']}, against a bare consumer",
                str(t["consumer_vs_bare_consumer"]),
                "-",
                None,
            )
            for t in f["throughput"]
        ),
        _row(
            "tower rebuild, one process, against a bare consumer",
            str(rebuild_one),
            f">= {TARGETS['rebuild']}",
            one_met,
        ),
        _row(
            "tower rebuild, 2 workers, against a bare consumer",
            str(rebuild_two),
            f">= {TARGETS['rebuild']}",
            two_met,
        ),
        *_peer_rows(f["rebuild"]),
        *(
            _row(
                f"freshness p50 / p99, {r['source']} at {r['target_events_per_second']} events/s "
                f"(achieved {r['achieved_events_per_second']})",
                f"{r['p50_s']} / {r['p99_s']} s",
                "p99 < 1 s at 500" if r in at_500 else "-",
                _fresh_enough(r) if r in at_500 else None,
            )
            for r in f["freshness"]
        ),
        *(
            _row(
                f"peak memory (RSS), {r['source']} at {r['target_events_per_second']} events/s",
                ", ".join(f"{p} {m} MiB" for p, m in r["peak_rss_mib"].items() if m),
                "-",
                None,
            )
            for r in f["freshness"]
            if "peak_rss_mib" in r
        ),
    ]
    quick = " (--quick: small runs, not figures to quote)" if f["quick"] else ""
    return "\n".join(
        [
            f"Benchmark suite, {f['measured_at']}{quick}; {f['seconds']} s",
            "",
            "| what | measured | target | met |",
            "|---|---|---|---|",
            *rows,
            "",
            f"relay ratios {relay}; median {statistics.median(relay)}.",
        ]
    )


def _peer_rows(rebuild: dict[str, Any]) -> list[str]:
    if "quix_skipped" in rebuild:
        return [_row("tower rebuild against the Quix Streams peer", rebuild["quix_skipped"], "> 1", False)]
    return [
        _row(
            "tower rebuild, 2 workers, against the same projection in Quix Streams (defaults; without "
            "changelog topics)",
            f"{rebuild['median_ratio_to_quix']}x; {rebuild['median_ratio_to_quix_no_changelog']}x",
            "ahead in every round",
            bool(rebuild["ahead_of_quix"]),
        )
    ]


def _per_transaction(part: dict[str, Any]) -> str:
    batch = part.get("commands_per_transaction", 1)
    return "one per transaction" if batch == 1 else f"{batch} per transaction"


def _fresh_enough(run: dict[str, Any]) -> bool:
    """Under a second at p99, and at the rate asked (a slower run proves nothing about that rate)."""
    reached = run["achieved_events_per_second"] >= 0.95 * run["target_events_per_second"]
    return reached and run["p99_s"] is not None and run["p99_s"] < TARGETS["freshness_p99_s"]


def _row(what: str, measured: str, target: str, met: bool | None) -> str:
    verdict = "-" if met is None else ("yes" if met else "**no**")
    return f"| {what} | {measured} | {target} | {verdict} |"


if __name__ == "__main__":
    main()
