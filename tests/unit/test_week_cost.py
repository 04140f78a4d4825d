"""bench.week_cost's arithmetic: seconds per week from a simulate run's progress lines, events before a
moment from sampled notification ids, and the table's rows."""

from __future__ import annotations

from pathlib import Path

from bench.week_cost import _id_at, buckets, seconds_per_week


def test_seconds_per_week_are_the_differences_within_each_log_without_its_first_week(
    tmp_path: Path,
) -> None:
    first, second = tmp_path / "part1.log", tmp_path / "part2.log"
    first.write_text(
        "simulating: 1/9 weeks, 14.0 s\nsimulating: 2/9 weeks, 30.5 s\n"
        "noise\nsimulating: 3/9 weeks, 50.0 s\n"
    )
    second.write_text("simulating: 4/9 weeks, 60.0 s\nsimulating: 5/9 weeks, 81.0 s\n")
    assert seconds_per_week([first, second]) == {2: 16.5, 3: 19.5, 5: 21.0}


def test_events_before_a_moment_come_from_the_first_sample_at_or_after_it() -> None:
    ids, micros = [1, 501, 1001, 1501], [100, 200, 300, 400]
    assert _id_at(ids, micros, 50) == 0  # before the first event
    assert _id_at(ids, micros, 250) == 1000  # between samples: within 500 of the truth
    assert _id_at(ids, micros, 300) == 1000
    assert _id_at(ids, micros, 999) == 1501  # after the log's end: all of it


def test_buckets_sum_events_and_seconds_and_skip_empty_weeks() -> None:
    weeks = [
        {"week": 1, "seconds": 10.0, "events": 1000, "stored_before": 0},
        {"week": 2, "seconds": 30.0, "events": 3000, "stored_before": 1000},
        {"week": 3, "seconds": 5.0, "events": 0, "stored_before": 4000},
    ]
    (row,) = buckets(weeks, 3)
    assert row == {
        "weeks": "1-2",
        "seconds_a_week": 20.0,
        "events_a_week": 2000,
        "micros_per_event": 10_000.0,
        "stored_millions": 0.0,
    }
