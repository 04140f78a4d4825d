"""A consumer resumes within 10 s of a restart, whatever killed its predecessor (issue 14): `backbone run
decision` is SIGKILLed and started again at once, three times, then three times six seconds apart, and
each time an application accepted right after becomes a case within 10 s. Each `backbone run` process is
a static member of its consumer group, so the group hands a restarted instance its partitions back
without waiting for the dead one's session to end (45 s before, bench/consumer_restart.py)."""

from __future__ import annotations

import pytest

from backbone.settings import Settings
from bench.consumer_restart import measure

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
RESUME_WITHIN_SECONDS = 10.0


def test_a_killed_consumer_started_again_works_within_ten_seconds(
    kafka_available: str, postgres_available: Settings
) -> None:
    figures = measure(kills=3, base=postgres_available)
    resumes = [*figures["resume_seconds_after_one_kill"], figures["resume_seconds_after_three_kills"]]
    assert len(resumes) == 4
    assert max(resumes) < RESUME_WITHIN_SECONDS, figures
