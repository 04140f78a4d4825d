"""The mode is decided once: the runtime answers which stores, which SQL dialect and which feeds, and no
other module looks at the mode."""

from __future__ import annotations

import re
from pathlib import Path

from eventsourcing.sqlite import SQLiteTrackingRecorder

from backbone.codec import AvroCodec
from backbone.feeds.kafka_topics import KafkaTopicsFeed
from backbone.feeds.notification_log import NotificationLogFeed
from backbone.runtime import DistributedRuntime, EmbeddedRuntime, Reader, runtime_for
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from services.topics import PRODUCERS, topic_of

ROOT = Path(__file__).resolve().parents[2]
UPSTREAMS = {service: topic_of(service).name for service in PRODUCERS}


def test_embedded_keeps_sqlite_files_and_reads_each_upstream_log(tmp_path: Path) -> None:
    runtime = runtime_for(Settings(data_dir=tmp_path))
    assert isinstance(runtime, EmbeddedRuntime) and runtime.one_process and not runtime.publishes
    assert runtime.dialect.placeholder == "?"
    assert runtime.store_env("intake")["SQLITE_DBNAME"] == str(tmp_path / "intake.sqlite")
    logs = {service: runtime.log_reader(service) for service in PRODUCERS}
    tracking = runtime.tracking_store("reader", {"sqlite": SQLiteTrackingRecorder})
    reader = Reader(
        UPSTREAMS,
        codec=AvroCodec(SchemaCatalog.load()),
        tracking=tracking,
        logs=logs.__getitem__,
        group_id="unused",
        client_id="unused",
    )
    feeds = runtime.feeds(reader)
    assert [type(f) for f in feeds] == [NotificationLogFeed] * len(PRODUCERS)
    assert runtime.published_up_to("any", tracking, head=42) == 42  # nothing is relayed
    runtime.drop_store("reader")
    assert not list(tmp_path.glob("reader.sqlite*"))


def test_distributed_reads_every_upstream_topic_with_one_consumer() -> None:
    runtime = runtime_for(Settings(mode="distributed"))
    assert isinstance(runtime, DistributedRuntime) and runtime.publishes and not runtime.one_process
    assert runtime.dialect.placeholder == "%s" and runtime.dialect.lock_for_update == " FOR UPDATE"
    assert runtime.dialect.table("intake", "applicant_keys") == '"intake".applicant_keys'

    class NoTracking:
        def max_tracking_id(self, name: str) -> int | None:
            return None

    reader = Reader(
        UPSTREAMS,
        codec=AvroCodec(SchemaCatalog.load()),
        tracking=NoTracking(),  # type: ignore[arg-type]
        logs=lambda service: None,  # type: ignore[arg-type,return-value]
        group_id="g",
        client_id="c",
    )
    feeds = runtime.feeds(reader)  # nothing connects until the feed is polled
    assert [type(f) for f in feeds] == [KafkaTopicsFeed]


def test_no_module_but_the_runtime_looks_at_the_mode() -> None:
    looks = re.compile(r"\.mode\s*(==|!=|\bin\b)")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("backbone", "ind", "services", "simulation", "composition")
        for path in sorted((ROOT / package).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if looks.search(line)
    ]
    assert found and all(f.startswith("backbone/runtime.py:") for f in found), found
