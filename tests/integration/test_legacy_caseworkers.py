"""The legacy stand-in's caseworkers on the real PostgreSQL: what they leave in the tables."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import psycopg
import pytest

from backbone.settings import Settings
from simulation.legacy_system.caseworkers import LegacyCaseworkers
from simulation.legacy_system.codes import STATUSES, ZAAKTYPES
from simulation.legacy_system.schema import ensure_legacy_database, legacy_dsn
from tests.conftest import drop_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def legacy_settings(postgres_available: Settings) -> Iterator[Settings]:
    settings = postgres_available.with_overrides(legacy_database=f"legacy_test_{uuid.uuid4().hex[:10]}")
    ensure_legacy_database(settings)
    ensure_legacy_database(settings)  # idempotent
    yield settings
    drop_database(settings, settings.legacy_database)


def test_three_months_of_casework_leave_coded_rows_a_history_and_closed_cases(
    legacy_settings: Settings,
) -> None:
    with LegacyCaseworkers.on_database(legacy_settings, seed=7, today=date(2026, 1, 5)) as caseworkers:
        for _ in range(90):
            caseworkers.work_day(actions=6)

    with psycopg.connect(legacy_dsn(legacy_settings)) as connection:
        statuses = dict(connection.execute("SELECT status, count(*) FROM zaken GROUP BY 1").fetchall())
        zaaktypes = {r[0] for r in connection.execute("SELECT DISTINCT zaaktype FROM zaken")}
        without_history = connection.execute(
            "SELECT count(*) FROM zaken z WHERE NOT EXISTS"
            " (SELECT 1 FROM zaak_statussen s WHERE s.zaaknummer = z.zaaknummer)"
        ).fetchone()
        orphans = connection.execute(
            "SELECT count(*) FROM zaak_statussen s WHERE NOT EXISTS"
            " (SELECT 1 FROM zaken z WHERE z.zaaknummer = s.zaaknummer)"
        ).fetchone()
        corrected = connection.execute(
            "SELECT count(*) FROM zaken WHERE opmerkingen LIKE '%%gecorrigeerd%%'"
        ).fetchone()
        numbers = [r[0] for r in connection.execute("SELECT zaaknummer FROM zaken")]

    assert set(statuses) <= set(STATUSES)
    assert statuses.get("AFGH", 0) > 0, "the nightly batch closed decided cases"
    assert zaaktypes <= set(ZAAKTYPES)
    assert without_history == (0,) and orphans == (0,)
    assert corrected is not None and corrected[0] > 0
    assert all(n.startswith("Z2026-") and len(n) == 13 for n in numbers)
