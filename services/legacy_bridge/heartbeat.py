"""The heartbeat table the connector writes to in the legacy database (``connector.HEARTBEAT_TABLE``:
why it is needed), created before the connector is registered. A real legacy database's DBA would
create it once instead; the bridge's role needs only INSERT and UPDATE on it then."""

from __future__ import annotations

import psycopg

from backbone.runtime import postgres_dsn
from backbone.settings import Settings
from services.legacy_bridge.connector import HEARTBEAT_DDL


def ensure_heartbeat_table(settings: Settings) -> None:
    dsn = postgres_dsn(settings.with_overrides(postgres_dbname=settings.legacy_database))
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(HEARTBEAT_DDL)
