"""A latency is measured on one clock: an event recorded by a simulated clock ahead of the tower's wall
clock has no latency to show, and the reason is given instead of a negative number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.control_tower.domain.freshness import last_latency

APPLIED = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)


def test_an_event_recorded_before_it_was_applied_has_its_latency() -> None:
    latency = last_latency(APPLIED - timedelta(seconds=1.25), APPLIED)
    assert (latency.seconds, latency.reason) == (1.25, None)


def test_an_event_recorded_after_it_was_applied_came_from_another_clock_and_has_no_latency() -> None:
    latency = last_latency(APPLIED + timedelta(seconds=2988.9), APPLIED)
    assert latency.seconds is None
    assert latency.reason is not None
    assert "different clocks" in latency.reason and "50 min after" in latency.reason


def test_the_terminal_says_n_a_with_the_reason_instead_of_a_negative_latency() -> None:
    from services.control_tower.adapters.terminal.views_text import freshness_text

    ahead = last_latency(APPLIED + timedelta(seconds=2988.9), APPLIED)
    row = {
        "stream": "intake",
        "position": 12,
        "events_behind": 0,
        "seconds_behind": 0.0,
        "last_latency_seconds": ahead.seconds,
        "latency": {"seconds": ahead.seconds, "not_measurable": ahead.reason},
    }
    text = freshness_text([row])
    assert "-" not in text.splitlines()[1]
    assert text.splitlines()[1].split()[-1] == "n/a"
    assert "intake: latency not measurable" in text
