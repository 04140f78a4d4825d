"""Relay and consumer throughput on the real broker, each next to its bare kafka-python ceiling.

    python -m bench.throughput [--applications 5000] [--store sqlite|postgres] [--json PATH]

Writes intake events (submitted, fee paid for naturalisation, accepted), then measures side by side
in one run:
  relay       OutboxRelay.publish_pending()   vs  a bare KafkaProducer sending the same bytes
  consumer    TrackedConsumer -> workload view vs a bare KafkaConsumer reading the same topic
Needs Kafka (infra/kafka/kafka.sh start) and, for --store postgres, PostgreSQL.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from tempfile import mkdtemp
from typing import Any

import psycopg
from kafka import TopicPartition

from backbone.clock import ManualClock
from backbone.codec import AvroCodec
from backbone.consumer import TrackedConsumer
from backbone.envelope import envelope_from_record, service_source
from backbone.feeds.kafka_topics import KafkaTopicsFeed
from backbone.feeds.offset_hints import OffsetHints
from backbone.kafka_clients import make_admin, make_consumer, make_producer, make_reader
from backbone.logs import configure_logging
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from backbone.stores import postgres_dsn
from backbone.topics import TopicSpec, ensure_topics
from composition.parts import build_intake, build_intake_relay
from services.control_tower.adapters.live_views import build_tower_store
from services.control_tower.projections.tower_projection import TowerProjection
from services.topics import topic_of
from simulation.samples import run_sample, sample_applications


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--rounds", type=int, default=3, help="relay and bare producer rounds, alternating (median)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    arguments = parser.parse_args()
    configure_logging("console", "warning")
    figures = run(arguments.applications, arguments.partitions, arguments.store, rounds=arguments.rounds)
    print(markdown(figures))
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps(figures, indent=2))


def run(applications: int, partitions: int, store: str, *, rounds: int = 3) -> dict[str, Any]:
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    mode = "embedded" if store == "sqlite" else "distributed"
    settings = Settings.from_env().with_overrides(
        mode=mode,
        data_dir=Path(mkdtemp(prefix="bench-")),
        topic_prefix=prefix,
        topic_partitions=partitions,
    )
    if store == "postgres":
        settings = settings.with_overrides(postgres_dbname=scratch_database(settings, prefix))
    codec = AvroCodec(SchemaCatalog.load())
    clock = ManualClock(datetime(2026, 6, 1, tzinfo=UTC))
    intake = build_intake(settings, codec=codec, clock=clock)
    # Each round's relay publishes to a topic (and records a position) of its own: round r under prefix r.
    round_settings = [settings] + [
        settings.with_overrides(topic_prefix=f"{prefix}r{r}.") for r in range(1, rounds)
    ]
    relay_topics = [topic_of("intake", partitions, s.topic_prefix).name for s in round_settings]
    topic = relay_topics[0]  # the one the consumer reads afterwards
    bare_topics = [f"{prefix}bare-{r}" for r in range(rounds)]
    admin = make_admin(settings)
    topics = (*relay_topics, *bare_topics, f"{prefix}warm-up")
    ensure_topics(admin, [TopicSpec(t, "bench", partitions, 1, -1, "bench") for t in topics])

    started = time.perf_counter()
    today = clock.now().date()
    for application in sample_applications(applications, seed=1, today=today):
        run_sample(intake, application, accept=True, today=today)
    intake_seconds = time.perf_counter() - started
    events = intake.recorder.max_notification_id() or 0  # submitted, accepted, and naturalisation fees

    messages = prepared_messages(intake, codec)
    send_all(settings, f"{prefix}warm-up", messages)  # the broker's JIT warms up on the produce path

    # What was built so far lives to the end, as a relay process's start-up objects do: out of the
    # collector's way (``gc.freeze``, as ``backbone run`` does), for the relay and the bare producer alike.
    gc.collect()
    gc.freeze()
    relay_seconds, bare_producer_seconds = [], []
    for each_round, bare_topic in zip(round_settings, bare_topics, strict=True):
        with make_producer(settings, client_id="bench-relay") as producer:
            relay = build_intake_relay(intake, each_round, codec=codec, producer=producer)
            started = time.perf_counter()
            assert relay.publish_pending() == events
            relay_seconds.append(time.perf_counter() - started)
        bare_producer_seconds.append(send_all(settings, bare_topic, messages))
    ratios = [bare / relayed for bare, relayed in zip(bare_producer_seconds, relay_seconds, strict=True)]

    view = build_tower_store(settings.with_overrides(mode=mode))
    feed = KafkaTopicsFeed(
        upstreams={topic: "intake"},
        consumer_factory=lambda: make_consumer(settings, group_id=f"{prefix}tower", client_id="bench"),
        codec=codec,
        hints=OffsetHints(view),
    )
    consumer = TrackedConsumer(feed, TowerProjection(view), batch_size=settings.consumer_batch_size)
    consumer.step(timeout=5)  # join the group and read the first batch before the clock starts
    started = time.perf_counter()
    while consumer.stats.applied < events:
        consumer.step(timeout=1)
    consumer_seconds = time.perf_counter() - started
    first_batch = consumer.stats.batches and settings.consumer_batch_size
    feed.close()

    bare_consumer_seconds = bare_read(settings, topic, events, skip=first_batch)
    gc.unfreeze()
    admin.delete_topics(list(topics))
    admin.close()
    if store == "postgres":
        intake.close()
        with psycopg.connect(postgres_dsn(Settings.from_env()), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{settings.postgres_dbname}" WITH (FORCE)')
    timed = events - first_batch
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "store": store,
        "partitions": partitions,
        "events": events,
        "intake_events_per_second": round(events / intake_seconds),
        "relay_events_per_second": round(events / statistics.median(relay_seconds)),
        "bare_producer_events_per_second": round(events / statistics.median(bare_producer_seconds)),
        "relay_vs_bare_producer": round(statistics.median(ratios), 2),
        "relay_vs_bare_producer_rounds": [round(r, 2) for r in ratios],
        "consumer_events_per_second": round(timed / consumer_seconds),
        "bare_consumer_events_per_second": round(timed / bare_consumer_seconds),
        "consumer_vs_bare_consumer": round(bare_consumer_seconds / consumer_seconds, 2),
    }


def scratch_database(settings: Settings, prefix: str) -> str:
    """A database of this run's own, so earlier runs' events do not count."""
    name = prefix.strip(".").replace("-", "_")
    with psycopg.connect(postgres_dsn(settings), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name


def prepared_messages(intake: Any, codec: AvroCodec) -> list[tuple[bytes, bytes, Any]]:
    """What the relay sends, made ready beforehand, so the bare producer only sends."""
    messages = []
    for n in intake.recorder.select_notifications(start=0, limit=10**9):
        record = codec.decode_body(n.topic, n.state)
        envelope = envelope_from_record(service_source("intake"), n.topic, record, n.id)
        messages.append(
            (envelope.subject.encode(), codec.frame(n.topic, n.state), envelope.kafka_headers())
        )
    return messages


def send_all(settings: Settings, topic: str, messages: list[tuple[bytes, bytes, Any]]) -> float:
    """The ceiling: a bare producer with the relay's settings sending the relay's bytes."""
    with make_producer(settings, client_id="bench-bare") as producer:
        started = time.perf_counter()
        for key, value, headers in messages:
            producer.send(topic, key=key, value=value, headers=headers)
        producer.flush()
        return time.perf_counter() - started


def bare_read(settings: Settings, topic: str, events: int, *, skip: int) -> float:
    consumer = make_reader(settings, client_id="bench-bare")
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    read = 0
    while read < skip:  # the same warm-up as the tracked consumer had
        read += sum(len(b) for b in consumer.poll(timeout_ms=1000, max_records=skip - read).values())
    started = time.perf_counter()
    while read < events:
        read += sum(len(b) for b in consumer.poll(timeout_ms=1000).values())
    seconds = time.perf_counter() - started
    consumer.close()
    return seconds


def markdown(f: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"{f['events']} intake events, {f['partitions']} partitions, {f['store']} store, "
            f"{f['measured_at']}",
            "",
            "| what | events/s | ceiling events/s | ratio |",
            "|---|---:|---:|---:|",
            f"| intake commands (submit + accept, one save each) | {f['intake_events_per_second']} | | |",
            f"| outbox relay publish | {f['relay_events_per_second']} | "
            f"{f['bare_producer_events_per_second']} (bare producer) | {f['relay_vs_bare_producer']} |",
            f"| tracked consumer into the workload view | {f['consumer_events_per_second']} | "
            f"{f['bare_consumer_events_per_second']} (bare KafkaConsumer) | "
            f"{f['consumer_vs_bare_consumer']} |",
        ]
    )


if __name__ == "__main__":
    main()
