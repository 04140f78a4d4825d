"""`backbone run legacy-bridge` killed with SIGKILL in mid-stream and started again loses and duplicates
nothing: every change is applied once (the events and the positions are one transaction), and the topic
holds every event of the store, each case's versions without a gap (a republished message carries the
same id, which consumers skip)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from composition.system import System
from services.topics import topic_of
from tests.integration.legacy_world import (
    LegacyWorld,
    assert_the_topic_ends_as_the_legacy_rows,
    legacy_rows,
    published,
    translated_as_in,
)
from tests.kafka_reading import message_count

pytestmark = [pytest.mark.postgres, pytest.mark.kafka, pytest.mark.kafka_connect]
WAIT_SECONDS = 120.0


@contextmanager
def bridge_process(world: LegacyWorld, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    environment = world.settings.over_environment(os.environ)
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "composition.cli.main", "run", "legacy-bridge"],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        log.close()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT_SECONDS:.0f} s for {what}"
        time.sleep(0.2)


def test_a_bridge_killed_mid_stream_and_started_again_loses_and_duplicates_nothing(
    legacy_world: LegacyWorld, tmp_path: Path
) -> None:
    world = legacy_world
    # Small batches: the kill lands between many transactions, not after one that took everything.
    world.settings = world.settings.with_overrides(consumer_batch_size=5)
    topic = topic_of("legacy_bridge", 3, world.settings.topic_prefix).name
    for _ in range(3):
        world.caseworkers.work_day(actions=8)
    with bridge_process(world, tmp_path / "first.log") as first:
        for _ in range(10):
            world.caseworkers.work_day(actions=10)
        wait_for(lambda: message_count(world.settings, topic) > 20, "the first events on the topic")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    at_the_kill = legacy_rows(world.settings)
    system = System(world.settings)
    try:
        killed_mid_stream = not translated_as_in(system.legacy_bridge, *at_the_kill)
    finally:
        system.close()
    assert killed_mid_stream, "the bridge had caught up before it was killed: the test proves less"
    for _ in range(10):  # the legacy system goes on while the bridge is down
        world.caseworkers.work_day(actions=10)
    cases, history = legacy_rows(world.settings)
    system = System(world.settings)
    try:
        with bridge_process(world, tmp_path / "second.log") as second:
            bridge = system.legacy_bridge
            wait_for(lambda: translated_as_in(bridge, cases, history), "the bridge to catch up")
            relay = system.relay("legacy_bridge", None)
            wait_for(lambda: relay.backlog() == 0, "the relay to publish the store")
            assert second.poll() is None, "the restarted bridge stopped"
        stored = bridge.recorder.max_notification_id() or 0
        by_case = published(system, world.settings)
        versions = {
            case: [v["meta"]["aggregate_version"] for _, v in events] for case, events in by_case.items()
        }
        distinct = sum(len(set(v)) for v in versions.values())
        assert distinct == stored, "the topic lacks events of the store, or has events it does not"
        for case, numbers in versions.items():
            assert sorted(set(numbers)) == list(range(1, max(numbers) + 1)), case
        deduplicated = {
            case: list({v["meta"]["aggregate_version"]: (n, v) for n, v in events}.values())
            for case, events in by_case.items()
        }
        assert_the_topic_ends_as_the_legacy_rows(deduplicated, cases, history)
    finally:
        system.close()
