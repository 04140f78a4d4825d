"""The tower's rebuild written as a Quix Streams application: the peer a team might pick instead.

What is measured (``quix_rebuild``): the time from the end-offset probe and the application's
construction to every view table written in PostgreSQL, for a fresh consumer group reading intake's and
decision's topics from the earliest offset up to the end offsets they had at the start
(``app.run(count=...)``, one output per message).

How a team choosing Quix would write it, with Quix's defaults wherever we have no reason to differ:
- both topics in one ``StreamingDataFrame`` (``concat``: Quix aligns partition n of both by timestamp),
  each value decoded by a ``Deserializer`` around the feeds' own ``envelope_from_kafka``;
- each case in Quix's state (RocksDB with a changelog topic, keyed by the message key = the case id),
  changed by the projection's own rules (``STAGES`` ranked by ``event_rank``, ``apply_fact_event``,
  ``advance_stage``, ``timeline_row``); state values are pickled because Quix's default JSON cannot
  hold the facts' dates. A republished event (a version already folded from its service) is skipped,
  as our tracking skips it;
- a ``BatchingSink`` that merges each checkpoint's outputs into the latest rows and the aggregates that
  are not per case (events per type, time in each stage, freshness), and COPYs every table once the
  run has stopped, as our rebuild writes each table once.

``differences_from_live`` compares the peer's tables with the live generation our rebuild wrote.
"""

from __future__ import annotations

import cProfile
import pickle
import shutil
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from tempfile import mkdtemp
from typing import Any, cast

import psycopg
from quixstreams import Application, State
from quixstreams.models.serializers import Deserializer, SerializationContext
from quixstreams.sinks import BatchingSink, SinkBatch
from quixstreams.state.rocksdb import RocksDBOptions

from backbone.codec import AvroCodec
from backbone.envelope import Envelope, envelope_from_kafka
from backbone.feeds.base import partition_stream
from backbone.feeds.kafka_ranges import partition_ranges
from backbone.kafka_clients import make_admin
from backbone.settings import Settings
from backbone.stores import postgres_dsn
from bench.quix_tables import PEER_COLUMNS, copy_rows, create_peer_tables, fact_values
from services.control_tower.projections.case_facts import (
    CaseFacts,
    StageVisit,
    advance_stage,
    apply_fact_event,
)
from services.control_tower.projections.timeline import timeline_row
from services.control_tower.projections.workload import FACT_EVENTS, STAGES, event_rank
from services.topics import declared_topics

STATE_KEY = "case"
STALL_SECONDS = 60.0  # a run that reads nothing this long stops, and fails its count check
_EMPTY_FACTS = dict(vars(CaseFacts("")))


@dataclass  # not slotted: pickle stores a slotted instance slower
class CaseState:
    """One case in Quix's state: its workload row, its facts, the last version folded per service."""

    row: list[Any] | None = None  # [procedure, stage, is_open, stage_rank, stage_since]
    facts: dict[str, Any] | None = None
    versions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FoldedEvent:
    """What the stateful step hands the sink for one event: the case's rows that it changed."""

    envelope: Envelope
    row: list[Any] | None
    facts: dict[str, Any] | None
    visit: StageVisit | None
    timeline: tuple[Any, ...]


class EnvelopeDeserializer(Deserializer):
    """Our Avro message and CloudEvents headers to an ``Envelope``, as the Kafka feeds decode them."""

    def __init__(self, codec: AvroCodec) -> None:  # the base class's __init__ does nothing
        self._codec = codec

    def __call__(self, value: bytes, ctx: SerializationContext) -> Envelope:
        headers = cast("list[tuple[str, bytes]]", ctx.headers or [])  # as confluent-kafka gives them
        return envelope_from_kafka(self._codec, headers, value)


def fold_event(envelope: Envelope, state: State[str, CaseState]) -> FoldedEvent | None:
    """One event into its case's state (the projection's rules, in ViewFold's order); None for an event
    already folded."""
    case: CaseState = state.get(STATE_KEY) or CaseState()
    service = envelope.schema.rpartition(".")[0]
    if envelope.sequence <= case.versions.get(service, 0):
        return None
    case.versions[service] = envelope.sequence
    row_changed = _move_workload_row(case, envelope)
    visit = None
    if envelope.schema in FACT_EVENTS:
        if case.facts is None:
            case.facts = {**_EMPTY_FACTS, "case_id": envelope.subject}
        apply_fact_event(case.facts, envelope)
        visit = advance_stage(case.facts, envelope)
    state.set(STATE_KEY, case)
    facts = case.facts if envelope.schema in FACT_EVENTS else None
    return FoldedEvent(envelope, case.row if row_changed else None, facts, visit, timeline_row(envelope))


def _move_workload_row(case: CaseState, envelope: Envelope) -> bool:
    """As the case upsert: only an event of a higher rank moves the case; returns whether it moved."""
    stage = STAGES.get(envelope.schema)
    if stage is None:
        return False
    rank, procedure = event_rank(envelope), envelope.data.get("procedure")
    if case.row is not None and rank <= case.row[3]:
        return False
    if case.row is not None and procedure is None:
        procedure = case.row[0]
    case.row = [procedure, stage[0], stage[1], rank, envelope.time]
    return True


class TowerRowsSink(BatchingSink):
    """The tables' rows in memory, checkpoint by checkpoint; ``write_tables`` COPYs them once."""

    def __init__(self, upstreams: dict[str, str]) -> None:
        super().__init__()
        self.upstreams = upstreams  # topic name -> producing service
        self.events = 0  # outputs received, duplicates included
        self.cases: dict[str, list[Any]] = {}
        self.facts: dict[str, dict[str, Any]] = {}
        self.timeline: list[tuple[Any, ...]] = []
        self.counts: dict[tuple[str, str], int] = {}
        self.stage_time: dict[tuple[str, str], list[int]] = {}
        self.freshness: dict[str, tuple[int, datetime]] = {}

    def write(self, batch: SinkBatch) -> None:
        stream = partition_stream(self.upstreams[batch.topic], batch.partition)
        for item in batch:
            self.events += 1
            folded: FoldedEvent | None = item.value
            if folded is not None:
                self._merge(stream, folded)

    def _merge(self, stream: str, folded: FoldedEvent) -> None:
        envelope = folded.envelope
        key = (stream, envelope.schema)
        self.counts[key] = self.counts.get(key, 0) + 1
        self.freshness[stream] = (envelope.notification_id, envelope.recorded_at)
        if folded.row is not None:
            self.cases[envelope.subject] = folded.row
        if folded.facts is not None:
            self.facts[envelope.subject] = folded.facts
        if folded.visit is not None:
            total = self.stage_time.setdefault((folded.visit.procedure, folded.visit.stage), [0, 0])
            total[0] += 1
            total[1] += folded.visit.seconds
        self.timeline.append(folded.timeline)

    def write_tables(self, connection: psycopg.Connection[Any]) -> None:
        applied_at = datetime.now(UTC).isoformat()
        tables: dict[str, list[tuple[Any, ...]]] = {
            "tower_cases": [(c, p, s, o, r, at.isoformat()) for c, (p, s, o, r, at) in self.cases.items()],
            "tower_case_facts": [fact_values(f) for f in self.facts.values()],
            "tower_timeline": self.timeline,
            "tower_event_counts": [(*key, n) for key, n in self.counts.items()],
            "tower_stage_time": [(*key, v, s) for key, (v, s) in self.stage_time.items()],
            "tower_freshness": [
                (s, p, at.isoformat(), applied_at) for s, (p, at) in self.freshness.items()
            ],
        }
        with connection.cursor() as cursor:
            for table, rows in tables.items():
                copy_rows(cursor, table, PEER_COLUMNS[table], rows)
        connection.commit()


def peer_application(
    settings: Settings,
    codec: AvroCodec,
    sink: TowerRowsSink,
    *,
    group: str,
    state_dir: Path,
    changelog: bool,
) -> Application:
    """Both topics through the stateful fold into ``sink``, as a Quix application of its own group."""
    app = Application(
        broker_address=settings.kafka_bootstrap,
        consumer_group=group,
        auto_offset_reset="earliest",
        state_dir=state_dir,
        rocksdb_options=RocksDBOptions(dumps=pickle.dumps, loads=pickle.loads),
        use_changelog_topics=changelog,
        loglevel="WARNING",
    )
    deserializer = EnvelopeDeserializer(codec)
    intake, decision = (
        app.dataframe(app.topic(name, key_deserializer="str", value_deserializer=deserializer))
        for name in sink.upstreams
    )
    intake.concat(decision).apply(fold_event, stateful=True).sink(sink)
    return app


def quix_rebuild(
    settings: Settings,
    codec: AvroCodec,
    events: int,
    *,
    changelog: bool = True,
    profile: cProfile.Profile | None = None,
) -> tuple[int, float]:
    """The peer's rebuild into ``PEER_SCHEMA``: (events read, seconds from the offset probe to the
    commit of every table); the run must have read every one of ``events``."""
    specs = declared_topics(settings.topic_partitions, prefix=settings.topic_prefix)
    topics = {spec.name: spec.producer for spec in specs}
    group = f"{settings.topic_prefix}quix-peer-{uuid.uuid4().hex[:8]}"
    state_dir = Path(mkdtemp(prefix="quix-peer-"))
    sink = TowerRowsSink(topics)
    with psycopg.connect(postgres_dsn(settings)) as connection:
        create_peer_tables(connection)
        try:
            if profile is not None:
                profile.enable()
            started = time.perf_counter()
            total = sum(r.size for r in partition_ranges(settings, topics))
            app = peer_application(
                settings, codec, sink, group=group, state_dir=state_dir, changelog=changelog
            )
            app.run(count=total, timeout=STALL_SECONDS, collect=False)
            sink.write_tables(connection)
            seconds = time.perf_counter() - started
        finally:
            if profile is not None:
                profile.disable()
            shutil.rmtree(state_dir, ignore_errors=True)
            delete_quix_leftovers(settings, group)
    if total != events or sink.events != events:
        raise RuntimeError(f"the Quix peer found {total} and folded {sink.events} events of {events}")
    return sink.events, seconds


def delete_quix_leftovers(settings: Settings, group: str) -> None:
    """What a run leaves on the broker: its consumer group and the changelog topics Quix created for its
    state (named changelog__<group>--...)."""
    admin = make_admin(settings)
    try:
        names = [name for name in admin.list_topics() if name.startswith(f"changelog__{group}--")]
        if names:
            admin.delete_topics(names)
        admin.delete_groups([group])  # answers an error per group it could not delete, never raises
    finally:
        admin.close()
