"""The events the tower benchmarks read: a simulated IND published to the topics for the rebuild, and
intake events prepared for the paced producer of the freshness benchmark."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from backbone.clock import ManualClock, SystemClock
from backbone.codec import AvroCodec
from backbone.kafka_clients import make_producer
from backbone.settings import Settings
from composition.parts import (
    build_decision,
    build_decision_consumer,
    build_decision_relay,
    build_intake,
    build_intake_relay,
)
from simulation.inflow import ANNUAL, WEEKS_PER_YEAR
from simulation.plan import SimulationPlan
from simulation.samples import run_sample, sample_applications
from simulation.simulator import Simulator

# Applications a week at scale 1.0, over the year (seasons and noise vary it week by week).
APPLICATIONS_PER_WEEK = sum(ANNUAL.values()) / WEEKS_PER_YEAR


def fill_topics(settings: Settings, codec: AvroCodec, weeks: int, per_week: int) -> tuple[int, int]:
    """``weeks`` of the simulator, at the scale that brings ``per_week`` applications a week on average,
    through the real commands (SQLite stores: simulating is not what we measure), published by the
    services' own relays."""
    plan = SimulationPlan(date(2026, 1, 5), weeks, scale=per_week / APPLICATIONS_PER_WEEK, seed=5)
    local = settings.with_overrides(mode="embedded")
    clock = ManualClock(datetime.combine(plan.first_monday, time(8), tzinfo=UTC))
    intake = build_intake(local, codec=codec, clock=clock)
    decision = build_decision(local, codec=codec, clock=clock)
    consumer = build_decision_consumer(decision, local, codec=codec, intake_log=intake.recorder)

    def settle() -> None:
        consumer.run_until_caught_up()

    stats = Simulator(intake, decision, clock, settle, plan).run()
    with make_producer(settings, client_id="bench-fill") as producer:
        events = build_intake_relay(intake, local, codec=codec, producer=producer).publish_pending()
        events += build_decision_relay(decision, local, codec=codec, producer=producer).publish_pending()
    intake.close()
    decision.close()
    return events, stats.applications


def prepared_events(settings: Settings, codec: AvroCodec, count: int) -> list[tuple[int, str, Any]]:
    """At least ``count`` intake events (notification id, schema, record), from sample applications
    through intake on a scratch SQLite store."""
    local = settings.with_overrides(mode="embedded")
    intake = build_intake(local, codec=codec, clock=SystemClock())
    today, batch = date.today(), 0
    while (intake.recorder.max_notification_id() or 0) < count:
        for application in sample_applications(200, seed=batch, today=today):
            run_sample(intake, application, accept=True, today=today)
        batch += 1
    notifications = intake.recorder.select_notifications(start=1, limit=count)
    intake.close()
    return [(n.id, n.topic, codec.decode_body(n.topic, n.state)) for n in notifications]
