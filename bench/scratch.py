"""Topics and a PostgreSQL database of a benchmark run's own, removed when the run ends."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import mkdtemp

import psycopg

from backbone.kafka_clients import make_admin
from backbone.settings import Settings
from backbone.stores import postgres_dsn
from backbone.topics import ensure_topics
from services.topics import declared_topics

PARTITIONS = 6


@contextmanager
def scratch_database(settings: Settings, template: str | None = None) -> Iterator[Settings]:
    """``settings`` in distributed mode on a PostgreSQL database of its own, dropped afterwards: new and
    empty, or a copy of ``template`` (which nobody may be connected to meanwhile)."""
    database = f"bench_{uuid.uuid4().hex[:8]}"
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(
        postgres_dsn(settings.with_overrides(postgres_dbname="postgres")), autocommit=True
    ) as connection:
        connection.execute(f'CREATE DATABASE "{database}"{copy_of}')
    try:
        yield settings.with_overrides(mode="distributed", postgres_dbname=database)
    finally:
        with psycopg.connect(postgres_dsn(settings), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@contextmanager
def scratch(base: Settings | None = None) -> Iterator[Settings]:
    """Topics of 6 partitions and a database of this run's own, beside ``base``'s (default: the
    environment's), all removed afterwards."""
    prefix = f"bench-{uuid.uuid4().hex[:8]}."
    data_dir = Path(mkdtemp(prefix="bench-tower-"))
    base = (base or Settings.from_env()).with_overrides(data_dir=data_dir)
    with scratch_database(base) as database:
        settings = database.with_overrides(topic_prefix=prefix, topic_partitions=PARTITIONS)
        specs = declared_topics(PARTITIONS, prefix=prefix)
        admin = make_admin(settings)
        ensure_topics(admin, specs)
        try:
            yield settings
        finally:
            admin.delete_topics([s.name for s in specs])
            admin.close()
            shutil.rmtree(data_dir, ignore_errors=True)
