"""The legacy database and its tables: plain DDL, applied idempotently.

``REPLICA IDENTITY FULL`` makes PostgreSQL log a whole old row with every update and delete, so the
change records carry a complete ``before`` (the real system's DBA would be asked for the same).
The tables have no foreign key between them, as in the original: the application kept them apart.

The marker columns ``gewijzigd_door`` and ``geregistreerd_door`` say who wrote a row last: the legacy
mimic (``backbone-mimic``) or the legacy application (NULL). Triggers set them from the writing
transaction's setting ``backbone.written_by`` (the mimic sets it ``LOCAL``), so a caseworker's write
clears the marker even though the legacy application knows nothing of the columns; a real legacy
system would get the same columns and triggers from its DBA. They are not personal data.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from backbone.runtime import postgres_dsn
from backbone.settings import Settings

DDL = """
CREATE TABLE IF NOT EXISTS zaken (
    zaaknummer      text PRIMARY KEY,
    zaaktype        text NOT NULL,
    status          text NOT NULL,
    datum_ontvangst date NOT NULL,
    datum_besluit   date,
    behandelaar     text,
    team            text,
    naam            text,
    geboortedatum   date,
    bsn             text,
    nationaliteit   text,
    adres           text,
    opmerkingen     text,
    gewijzigd_op    timestamp NOT NULL
);
CREATE TABLE IF NOT EXISTS zaak_statussen (
    id              bigserial PRIMARY KEY,
    zaaknummer      text NOT NULL,
    status          text NOT NULL,
    datum_status    date NOT NULL,
    toelichting     text,
    geregistreerd_op timestamp NOT NULL
);
CREATE INDEX IF NOT EXISTS zaak_statussen_zaaknummer ON zaak_statussen (zaaknummer);
CREATE SEQUENCE IF NOT EXISTS zaaknummer_reeks;
ALTER TABLE zaken REPLICA IDENTITY FULL;
ALTER TABLE zaak_statussen REPLICA IDENTITY FULL;
ALTER TABLE zaken ADD COLUMN IF NOT EXISTS gewijzigd_door text;
ALTER TABLE zaak_statussen ADD COLUMN IF NOT EXISTS geregistreerd_door text;
CREATE OR REPLACE FUNCTION zaken_marks_its_writer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.gewijzigd_door := NULLIF(current_setting('backbone.written_by', true), '');
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION zaak_statussen_marks_its_writer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.geregistreerd_door := NULLIF(current_setting('backbone.written_by', true), '');
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER zaken_writer BEFORE INSERT OR UPDATE ON zaken
    FOR EACH ROW EXECUTE FUNCTION zaken_marks_its_writer();
CREATE OR REPLACE TRIGGER zaak_statussen_writer BEFORE INSERT OR UPDATE ON zaak_statussen
    FOR EACH ROW EXECUTE FUNCTION zaak_statussen_marks_its_writer();
"""


def legacy_dsn(settings: Settings) -> str:
    return postgres_dsn(settings.with_overrides(postgres_dbname=settings.legacy_database))


def ensure_legacy_database(settings: Settings) -> None:
    """Create the legacy database (owned by the settings' role) if it is missing, and its tables."""
    with psycopg.connect(postgres_dsn(settings), autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (settings.legacy_database,)
        ).fetchone()
        if exists is None:
            try:
                connection.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings.legacy_database))
                )
            except psycopg.errors.DuplicateDatabase:
                pass  # created meanwhile by another process
    with psycopg.connect(legacy_dsn(settings)) as connection:
        connection.execute(DDL)
