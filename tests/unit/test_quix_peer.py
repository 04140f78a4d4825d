"""The Quix Streams peer of the benchmark (``bench/quix_peer.py``) folds the rows our rebuild folds: its
stateful step and its sink, fed the same events as ``ViewFold``, hold the same cases, facts, stage times,
event counts and timelines. Without Kafka: Quix's state is stood in for by pickled values per case, as the
peer's RocksDB options keep them."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from quixstreams.models import serializers

from backbone.feeds.base import FeedItem
from backbone.feeds.notification_log import NotificationLogFeed
from bench import quix_peer as peer
from composition.parts import build_decision, build_decision_consumer, build_intake
from services.control_tower.projections.view_fold import ViewFold
from simulation.plan import SimulationPlan
from simulation.simulator import Simulator
from tests.factories import codec, embedded_settings, simulation_clock

PLAN = SimulationPlan(starts_on=date(2026, 1, 5), weeks=6, scale=0.012, seed=3)
TOPICS = {"intake": "ind.intake.applications.v1", "decision": "ind.decision.cases.v1"}


class PickledState:
    """Quix's ``State`` of one message key: every value stored pickled, read back as a copy."""

    def __init__(self, stored: dict[str, bytes]) -> None:
        self.stored = stored

    def get(self, key: str, default: Any = None) -> Any:
        raw = self.stored.get(key)
        return default if raw is None else pickle.loads(raw)

    def set(self, key: str, value: Any) -> None:
        self.stored[key] = pickle.dumps(value)


@pytest.fixture(scope="module")
def items(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[FeedItem]]]:
    """Intake's and decision's events after six simulated weeks."""
    settings = embedded_settings(tmp_path_factory.mktemp("peer"))
    clock = simulation_clock(PLAN)
    intake = build_intake(settings, codec=codec(), clock=clock)
    decision = build_decision(settings, codec=codec(), clock=clock)
    consumer = build_decision_consumer(decision, settings, codec=codec(), intake_log=intake.recorder)

    def settle() -> None:
        consumer.run_until_caught_up()

    Simulator(intake, decision, clock, settle, PLAN).run()
    logs = {"intake": intake.recorder, "decision": decision.recorder}
    yield {
        upstream: list(
            NotificationLogFeed(
                upstream=upstream, recorder=recorder, codec=codec(), positions=lambda _: None
            ).poll(100_000, 0)
        )
        for upstream, recorder in logs.items()
    }
    intake.close()
    decision.close()


def _peer(batches: list[tuple[str, list[FeedItem]]]) -> Any:
    """The peer's stateful step and sink over ``batches`` (upstream, events), one checkpoint each."""
    sink = peer.TowerRowsSink({topic: upstream for upstream, topic in TOPICS.items()})
    states: dict[str, dict[str, bytes]] = {}
    for upstream, events in batches:
        for offset, item in enumerate(events):
            envelope = item.envelope
            folded = peer.fold_event(envelope, PickledState(states.setdefault(envelope.subject, {})))
            sink.add(folded, envelope.subject, 0, [], TOPICS[upstream], 0, offset)
        sink.flush()
    return sink


def _events_per_type(counts: dict[tuple[str, str], int]) -> dict[str, int]:
    per_type: dict[str, int] = {}
    for (_, event_type), events in counts.items():
        per_type[event_type] = per_type.get(event_type, 0) + events
    return per_type


def test_the_peer_folds_the_rows_the_rebuild_folds_and_skips_a_republished_event(
    items: dict[str, list[FeedItem]],
) -> None:
    intake, decision = items["intake"], items["decision"]
    assert len(intake) > 500 and len(decision) > 500
    # decision's stream before intake's (across services no order is promised), and 60 intake events
    # a second time, as a relay that republished after a crash sends them
    batches = [("decision", decision), ("intake", intake[:100]), ("intake", intake[40:])]
    fold = ViewFold()
    for _, events in batches:
        fold.add(events)
    rows = fold.rows()
    folded = _peer(batches)
    assert folded.events == len(intake) + len(decision) + 60
    assert folded.cases == rows.cases
    assert folded.facts == rows.facts
    assert folded.stage_time == rows.stage_time
    assert _events_per_type(folded.counts) == _events_per_type(rows.counts)
    assert sorted(folded.timeline) == sorted(fold.take_timeline())


def test_the_deserializer_reads_a_message_as_the_kafka_feed_does(items: dict[str, list[FeedItem]]) -> None:
    envelope = items["decision"][0].envelope
    value = codec().encode(envelope.schema, envelope.data)
    headers = envelope.kafka_headers()
    context = serializers.SerializationContext(TOPICS["decision"], serializers.MessageField.VALUE, headers)
    assert peer.EnvelopeDeserializer(codec())(value, context) == envelope


def test_the_peer_writes_nothing_for_an_event_it_has_folded(items: dict[str, list[FeedItem]]) -> None:
    first = items["intake"][0].envelope
    state = PickledState({})
    assert peer.fold_event(first, state) is not None
    assert peer.fold_event(first, state) is None
