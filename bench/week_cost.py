"""Where the ten-year run's time went, week by week: the events each simulated week wrote against the
seconds it took, so that a cost per event that grows with the store can be told apart from weeks that
simply have more work in them (docs/scale-run.md, "Why the weeks got slower").

    source /work/scale-run/env.sh    # the run's database
    python -m bench.week_cost --from 2021-01-04 --log /work/scale-run/simulate-part3.log \\
        --log /work/scale-run/simulate-part4.log --log /work/scale-run/simulate-part5.log [--json PATH]

events a week   each store's notification log, sampled every ``--every`` ids (point reads by id), gives
                the recorded (simulated) time of each sample; a week's events are the ids between the
                samples at its Monday and the next Monday
seconds a week  the differences between the simulate run's progress lines (``simulating: W/N weeks,
                S s``); the first week of each log is left out, as it includes the run's start-up
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from bisect import bisect_left
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import psycopg

from backbone.meta_prefix import read_meta_prefix
from backbone.settings import Settings
from backbone.stores import postgres_dsn
from bench.scale_figures import SERVICES, tables_of

PROGRESS_LINE = re.compile(r"(\d+)/\d+ weeks, ([\d.]+) s")
PREFIX_BYTES = 200  # the metadata's six values fit well within this


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--from",
        dest="starts_on",
        type=date.fromisoformat,
        required=True,
        help="the Monday the run's first week began (the simulate --from, as a Monday)",
    )
    parser.add_argument(
        "--log",
        type=Path,
        action="append",
        required=True,
        help="a simulate run's progress lines (repeat for each part)",
    )
    parser.add_argument("--every", type=int, default=500, help="sample every this many ids (500)")
    parser.add_argument("--bucket", type=int, default=26, help="weeks per row of the table (26)")
    parser.add_argument("--json", type=Path, help="also write the weeks and the table here")
    arguments = parser.parse_args()
    settings = Settings.from_env()
    seconds = seconds_per_week(arguments.log)
    boundaries = [
        datetime.combine(arguments.starts_on + timedelta(weeks=w), datetime.min.time(), tzinfo=UTC)
        for w in range(max(seconds) + 1)
    ]
    written = [0] * max(seconds)
    stored_before = [0] * (max(seconds) + 1)
    for service in SERVICES:
        ids, micros = sample_times(settings, service, arguments.every)
        at = [_id_at(ids, micros, int(b.timestamp() * 1_000_000)) for b in boundaries]
        for week in range(1, len(boundaries)):
            written[week - 1] += at[week] - at[week - 1]
            stored_before[week - 1] += at[week - 1]
    weeks = [
        {
            "week": w,
            "seconds": s,
            "events": written[w - 1],
            "stored_before": stored_before[w - 1],
            "micros_per_event": round(s / written[w - 1] * 1e6, 1) if written[w - 1] else None,
        }
        for w, s in sorted(seconds.items())
    ]
    table = buckets(weeks, arguments.bucket)
    print(markdown(table))
    if arguments.json:
        arguments.json.write_text(json.dumps({"weeks": weeks, "table": table}, indent=2) + "\n")


def seconds_per_week(logs: list[Path]) -> dict[int, float]:
    """Week number -> seconds it took, from each log's successive progress lines."""
    result: dict[int, float] = {}
    for log in logs:
        lines = [PROGRESS_LINE.search(line) for line in log.read_text().splitlines()]
        points = [(int(m[1]), float(m[2])) for m in lines if m]
        for (_, before), (week, after) in pairwise(points):
            result[week] = after - before
    return result


def sample_times(settings: Settings, service: str, every: int) -> tuple[list[int], list[int]]:
    """Every ``every``-th notification id of the service's store, with its recorded time (µs)."""
    events, _ = tables_of(service, settings)
    with psycopg.connect(postgres_dsn(settings)) as connection:
        rows = connection.execute(
            f"SELECT e.notification_id, substring(e.state FROM 1 FOR {PREFIX_BYTES}) "
            f"FROM generate_series(1, (SELECT max(notification_id) FROM {events}), %s) AS g(id) "
            f"JOIN {events} AS e ON e.notification_id = g.id ORDER BY 1",
            (every,),
        ).fetchall()
    return [r[0] for r in rows], [read_meta_prefix(bytes(r[1])).recorded_at_micros for r in rows]


def _id_at(ids: list[int], micros: list[int], moment: int) -> int:
    """How many events were recorded before ``moment``: the first sampled id at or after it, less one
    (within ``every`` of the true count); the last id when the log ends before it."""
    index = bisect_left(micros, moment)
    return ids[index] - 1 if index < len(ids) else ids[-1]


def buckets(weeks: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    rows = []
    for start in range(0, len(weeks), size):
        chunk = [w for w in weeks[start : start + size] if w["events"]]
        if not chunk:
            continue
        events = sum(w["events"] for w in chunk)
        rows.append(
            {
                "weeks": f"{chunk[0]['week']}-{chunk[-1]['week']}",
                "seconds_a_week": round(statistics.mean(w["seconds"] for w in chunk), 1),
                "events_a_week": round(events / len(chunk)),
                "micros_per_event": round(sum(w["seconds"] for w in chunk) / events * 1e6, 1),
                "stored_millions": round(chunk[0]["stored_before"] / 1e6, 2),
            }
        )
    return rows


def markdown(table: list[dict[str, Any]]) -> str:
    lines = [
        "| weeks | seconds a week | events a week | µs per event | events stored before (M) |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['weeks']} | {r['seconds_a_week']} | {r['events_a_week']:,} | {r['micros_per_event']} "
        f"| {r['stored_millions']} |"
        for r in table
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
