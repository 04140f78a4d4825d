"""The figures of a large simulated IND in distributed mode (docs/scale-run.md): events stored, bytes
per event in PostgreSQL and on Kafka, the tower's rebuild time, and the audit's verify time.

    source /work/scale-run/env.sh       # the run's database, topic prefix and data directory
    python -m bench.scale_figures [--workers 2] [--skip-rebuild] [--skip-verify] [--json PATH]

stored     per service: events in its store (rows of its events table), and the table's size on disk
           with its indexes (pg_total_relation_size); the same for its tracking table, which holds a
           row per idempotency key and the relay's position
kafka      per topic: records (end offsets less beginning offsets) and the size of its partitions'
           logs as the broker reports them (DescribeLogDirs)
rebuild    ``backbone tower rebuild`` from both topics with ``--workers`` workers, into a new
           generation that is then swapped in
verify     ``backbone audit verify``: every stored event checked, and the store compared with the
           topic case by case
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from kafka import TopicPartition

from backbone.codec import AvroCodec
from backbone.kafka_clients import make_admin, make_consumer
from backbone.logs import configure_logging
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from backbone.stores import postgres_dsn, upstream_recorder
from backbone.topics import log_bytes
from composition.cli.progress import ProgressBar
from services.audit.verify import verify
from services.control_tower.rebuild import rebuild_views
from services.topics import PRODUCERS, topic_of

SERVICES = PRODUCERS


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2, help="rebuild workers (2)")
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    arguments = parser.parse_args()
    configure_logging("console", "warning")
    settings = Settings.from_env().with_overrides(mode="distributed")
    codec = AvroCodec(SchemaCatalog.load())
    figures: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": settings.postgres_dbname,
        "topic_prefix": settings.topic_prefix,
        "stored": stored(settings),
        "kafka": on_kafka(settings),
    }
    if not arguments.skip_rebuild:
        bar = ProgressBar("rebuilding the tower's views", "events")
        report = rebuild_views(settings, codec=codec, progress=bar, workers=arguments.workers, swap=True)
        figures["rebuild"] = {"workers": arguments.workers, **report.as_json()}
    if not arguments.skip_verify:
        figures["verify"] = verify(settings, codec, ProgressBar).as_json()
    text = json.dumps(figures, indent=2)
    print(text)
    if arguments.json is not None:
        arguments.json.write_text(text)


def stored(settings: Settings) -> dict[str, Any]:
    result = {}
    with psycopg.connect(postgres_dsn(settings)) as connection:
        for service in SERVICES:
            events_table, tracking_table = tables_of(service, settings)
            events = _one(connection, f"SELECT count(*) FROM {events_table}")
            events_bytes = _one(connection, f"SELECT pg_total_relation_size('{events_table}')")
            keys = _one(connection, f"SELECT count(*) FROM {tracking_table}")
            keys_bytes = _one(connection, f"SELECT pg_total_relation_size('{tracking_table}')")
            result[service] = {
                "events": events,
                "events_table_bytes": events_bytes,
                "bytes_per_event": round(events_bytes / events, 1) if events else None,
                "tracking_rows": keys,
                "tracking_table_bytes": keys_bytes,
            }
    return result


def on_kafka(settings: Settings) -> dict[str, Any]:
    names = [topic_of(s, settings.topic_partitions, settings.topic_prefix).name for s in SERVICES]
    admin = make_admin(settings)
    try:
        sizes = log_bytes(admin, names)
    finally:
        admin.close()
    probe = make_consumer(settings, group_id=None, client_id="scale-figures")
    try:
        result = {}
        for name in names:
            partitions = [TopicPartition(name, p) for p in sorted(probe.partitions_for_topic(name) or ())]
            ends, beginnings = probe.end_offsets(partitions), probe.beginning_offsets(partitions)
            records = sum(ends[p] - beginnings[p] for p in partitions)
            result[name] = {
                "records": records,
                "log_bytes": sizes[name],
                "bytes_per_record": round(sizes[name] / records, 1) if records else None,
            }
    finally:
        probe.close()
    return result


def tables_of(service: str, settings: Settings) -> tuple[str, str]:
    """The service's events and tracking tables, as its recorder names them."""
    recorder = upstream_recorder(service, settings)
    try:
        schema = recorder.datastore.schema
        tracking = recorder.factory.tracking_recorder()
        return f"{schema}.{recorder.events_table_name}", f"{schema}.{tracking.tracking_table_name}"
    finally:
        recorder.factory.close()


def _one(connection: psycopg.Connection[Any], query: str) -> int:
    row = connection.execute(query).fetchone()
    return int(row[0]) if row is not None else 0


if __name__ == "__main__":
    main()
