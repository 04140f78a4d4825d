"""The progress bar: a redrawn bar on a terminal; without one, plain lines a few seconds apart, always
the first and the last, so a log of a long rebuild is not a line per page."""

from __future__ import annotations

import io

from composition.cli.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_without_a_terminal_lines_come_a_few_seconds_apart_and_the_last_always() -> None:
    log = io.StringIO()
    bar = ProgressBar("rebuilding", "events", stream=log, line_every=3600)
    for done in range(0, 10_001, 500):
        bar(done, 10_000)
    assert log.getvalue().splitlines() == [
        "rebuilding: 0/10,000 events, 0.0 s",
        "rebuilding: 10,000/10,000 events, 0.0 s",
    ]


def test_without_a_terminal_and_no_wait_every_step_is_a_line() -> None:
    log = io.StringIO()
    bar = ProgressBar("verifying", "records", stream=log, line_every=0)
    for done in (1, 2, 3):
        bar(done, 3)
    assert [line.split(",")[0] for line in log.getvalue().splitlines()] == [
        "verifying: 1/3 records",
        "verifying: 2/3 records",
        "verifying: 3/3 records",
    ]


def test_on_a_terminal_the_bar_is_redrawn_in_place_and_ends_its_line_when_done() -> None:
    screen = Terminal()
    bar = ProgressBar("simulating", "weeks", width=10, stream=screen)
    bar(5, 10)
    bar(10, 10)
    first, second = screen.getvalue().split("\r")[1:]
    assert first.startswith("simulating [#####.....] 5/10 weeks") and not first.endswith("\n")
    assert second.startswith("simulating [##########] 10/10 weeks") and second.endswith("\n")


def test_more_done_than_planned_does_not_overflow_the_bar() -> None:
    screen = Terminal()
    ProgressBar("relaying", "events", width=4, stream=screen)(6, 4)
    assert "[####]" in screen.getvalue()
