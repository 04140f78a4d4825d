"""The personal-data vault's migrations on the real PostgreSQL (tests/vault_migration_contract.py): from
an empty database, from a vault of the version before migrations, with processes starting together."""

from __future__ import annotations

import psycopg
import pytest

from backbone.runtime import postgres_dsn
from backbone.settings import Settings
from composition.parts import vault_migrations_of
from tests.vault_migration_contract import VaultMigrationContract


@pytest.mark.postgres
class TestPostgresVaultMigrations(VaultMigrationContract):
    @pytest.fixture(autouse=True)
    def _settings(self, postgres_settings: Settings) -> None:
        self.settings = postgres_settings

    def test_the_vault_and_its_migration_records_live_in_intakes_schema(self) -> None:
        vault_migrations_of(self.settings).apply()
        with psycopg.connect(postgres_dsn(self.settings)) as connection:
            tables = connection.execute(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_name IN ('applicant_keys', 'applicant_personal_data', '_yoyo_migration')"
            ).fetchall()
        assert sorted(tables) == [
            ("intake", "_yoyo_migration"),
            ("intake", "applicant_keys"),
            ("intake", "applicant_personal_data"),
        ]
