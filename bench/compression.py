"""What compressing the relay's records would save on Kafka, and what it would cost to send and read.

    source /work/scale-run/env.sh       # a store and topics with real simulated events
    python -m bench.compression [--records 100000] [--json PATH]

Reads the first ``--records`` records (keys, values and CloudEvents headers) of each service's topic,
then for each compression codec kafka-python can use here (none, gzip, and lz4 and zstd when their
packages are installed) sends them to a topic of their own, to the same partitions, with the relay's
producer settings and that codec, measures the size of the topic's logs as the broker reports them
(DescribeLogDirs), and reads them back with a bare consumer. Sending and reading are timed side by side
in one run, as ratios against no compression.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.codec import has_lz4, has_zstd

from backbone.kafka_clients import make_admin, make_producer, make_reader
from backbone.logs import configure_logging
from backbone.settings import Settings
from backbone.topics import TopicSpec, ensure_topics, log_bytes
from services.topics import PRODUCERS, topic_of

SERVICES = PRODUCERS
Record = tuple[int, bytes | None, bytes | None, list[tuple[str, bytes]]]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000, help="records per topic (100,000)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    arguments = parser.parse_args()
    configure_logging("console", "warning")
    figures = run(Settings.from_env().with_overrides(mode="distributed"), arguments.records)
    text = json.dumps(figures, indent=2)
    print(text)
    if arguments.json is not None:
        arguments.json.write_text(text + "\n")


def codecs() -> list[str]:
    return ["none", "gzip"] + (["lz4"] if has_lz4() else []) + (["zstd"] if has_zstd() else [])


def run(settings: Settings, records: int) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "topic_prefix": settings.topic_prefix,
        "codecs": codecs(),
        "topics": {},
    }
    for service in SERVICES:
        source = topic_of(service, settings.topic_partitions, settings.topic_prefix).name
        sample = read_sample(settings, source, records)
        figures["topics"][source] = compare(settings, sample, partitions=settings.topic_partitions)
    return figures


def from_the_start(settings: Settings, topic: str) -> KafkaConsumer:
    """A consumer of every partition of ``topic``, from its first record, in no group."""
    consumer = make_reader(settings, client_id="bench-compression")
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    return consumer


def read_sample(settings: Settings, topic: str, records: int) -> list[Record]:
    consumer = from_the_start(settings, topic)
    try:
        sample: list[Record] = []
        while len(sample) < records:
            batches = consumer.poll(timeout_ms=2000, max_records=5000)
            if not batches:
                break
            for batch in batches.values():
                sample.extend((r.partition, r.key, r.value, list(r.headers)) for r in batch)
        return sample[:records]
    finally:
        consumer.close()


def compare(settings: Settings, sample: list[Record], *, partitions: int) -> dict[str, Any]:
    prefix = f"bench-compression-{uuid.uuid4().hex[:8]}."
    topics = {codec: f"{prefix}{codec}" for codec in codecs()}
    admin = make_admin(settings)
    ensure_topics(admin, [TopicSpec(t, "bench", partitions, 1, -1, "bench") for t in topics.values()])
    try:
        send_seconds = {codec: send(settings, topic, codec, sample) for codec, topic in topics.items()}
        read_seconds = {codec: read(settings, topic, len(sample)) for codec, topic in topics.items()}
        sizes = log_bytes(admin, topics.values())
    finally:
        admin.delete_topics(list(topics.values()))
        admin.close()
    return {
        "records": len(sample),
        "uncompressed_value_and_key_bytes_per_record": round(
            sum(len(v or b"") + len(k or b"") for _, k, v, _ in sample) / len(sample), 1
        ),
        "by_codec": {
            codec: {
                "log_bytes_per_record": round(sizes[topic] / len(sample), 1),
                "size_vs_none": round(sizes[topic] / sizes[topics["none"]], 3),
                "send_seconds": round(send_seconds[codec], 2),
                "send_time_vs_none": round(send_seconds[codec] / send_seconds["none"], 2),
                "read_seconds": round(read_seconds[codec], 2),
                "read_time_vs_none": round(read_seconds[codec] / read_seconds["none"], 2),
            }
            for codec, topic in topics.items()
        },
    }


def send(settings: Settings, topic: str, codec: str, sample: list[Record]) -> float:
    producer = make_producer(settings, client_id=f"bench-compression-{codec}", compression=codec)
    try:
        started = time.perf_counter()
        for partition, key, value, headers in sample:
            producer.send(topic, key=key, value=value, headers=headers, partition=partition)
        producer.flush()
        return time.perf_counter() - started
    finally:
        producer.close()


def read(settings: Settings, topic: str, records: int) -> float:
    consumer = from_the_start(settings, topic)
    try:
        started = time.perf_counter()
        seen = 0
        while seen < records:
            seen += sum(len(batch) for batch in consumer.poll(timeout_ms=2000).values())
        return time.perf_counter() - started
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
