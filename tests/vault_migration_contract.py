"""The personal-data vault's migrations, as one contract run against SQLite (tests/unit) and PostgreSQL
(tests/integration): from an empty store, from a store of the version before migrations, and with
processes that open the vault at the same moment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from backbone.runtime import runtime_for
from backbone.settings import Settings
from composition.parts import INTAKE, build_intake, vault_migrations_of
from services.intake.adapters.personal_data_vault import PersonalDataVault
from services.intake.application.intake import Intake
from services.intake.domain.personal_data import PersonalData, PersonalDataErased
from tests.factories import a_submission, clock, codec

YARA = {"family_name": "Haddad", "date_of_birth": "1991-04-17", "v_number": "1234567890"}
OMAR = {
    "family_name": "Haddad",
    "given_names": "Omar",
    "date_of_birth": "2015-02-03",
    "v_number": "2234567890",
}
NOOR = {"family_name": "Nasser", "date_of_birth": "1988-12-01", "v_number": "3234567890"}
PROCESSES = 4
APPLY_ONE = """
import json, sys
from backbone.settings import Settings
from composition.parts import vault_migrations_of
migrations = vault_migrations_of(Settings.from_env())
print("ready", flush=True)
sys.stdin.readline()  # the go, given to every process at once
print(json.dumps(migrations.apply()))
"""


def intake_of_the_version_before_migrations(settings: Settings) -> Intake:
    """Intake as it opened before its vault had migrations: the vault's tables made exactly as
    ``PersonalDataVault.create_tables`` made them, with ``CREATE TABLE IF NOT EXISTS``."""
    runtime = runtime_for(settings)
    with runtime.creating():
        intake = Intake(env=runtime.store_env(INTAKE), codec=codec(), clock=clock())
    datastore = intake.factory.datastore  # type: ignore[attr-defined]
    dialect = runtime.dialect
    keys, records = (
        dialect.table(INTAKE, "applicant_keys"),
        dialect.table(INTAKE, "applicant_personal_data"),
    )
    with datastore.transaction(commit=True) as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {keys} (applicant_ref TEXT PRIMARY KEY, key {dialect.blob})"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {records} (application_id TEXT PRIMARY KEY, "
            f"applicant_ref TEXT NOT NULL, ciphertext {dialect.blob} NOT NULL)"
        )
    intake.vault = PersonalDataVault(datastore, dialect=dialect, schema=INTAKE)
    return intake


class VaultMigrationContract:
    settings: Settings

    def every_migration(self) -> list[str]:
        return [state.id for state in vault_migrations_of(self.settings).states()]

    def test_an_empty_store_gets_every_migration_once_and_the_vault_works(self) -> None:
        migrations = vault_migrations_of(self.settings)
        assert self.every_migration() and not any(state.applied for state in migrations.states())
        assert migrations.apply() == self.every_migration()
        assert all(state.applied for state in migrations.states())
        assert migrations.apply() == []  # a second time, nothing to do
        intake = build_intake(self.settings, codec=codec(), clock=clock())  # opening it applies none
        try:
            application_id = intake.submit_application(a_submission(applicant=YARA))
            assert intake.personal_data(application_id).v_number == "1234567890"  # type: ignore[union-attr]
            assert intake.forget_applicant("P-00000000000000a1")
            with pytest.raises(PersonalDataErased):
                intake.personal_data(application_id)
        finally:
            intake.close()

    def test_a_vault_of_the_version_before_migrations_keeps_its_rows_and_works(self) -> None:
        before = intake_of_the_version_before_migrations(self.settings)
        kept = before.submit_application(a_submission(applicant=YARA))
        forgotten = before.submit_application(
            a_submission(applicant_ref="P-00000000000000b2", applicant=OMAR)
        )
        assert before.forget_applicant("P-00000000000000b2")
        before.close()
        assert not any(state.applied for state in vault_migrations_of(self.settings).states())

        intake = build_intake(self.settings, codec=codec(), clock=clock())  # opening it migrates
        try:
            assert all(state.applied for state in vault_migrations_of(self.settings).states())
            assert intake.personal_data(kept) == PersonalData.model_validate(YARA)
            with pytest.raises(PersonalDataErased):  # forgotten before stays forgotten
                intake.personal_data(forgotten)
            assert intake.get_application(kept).version == 1  # the events are untouched
            added = intake.submit_application(
                a_submission(applicant_ref="P-00000000000000c3", applicant=NOOR)
            )
            assert intake.personal_data(added).family_name == "Nasser"  # type: ignore[union-attr]
            assert intake.forget_applicant("P-00000000000000a1")
            with pytest.raises(PersonalDataErased):
                intake.personal_data(kept)
        finally:
            intake.close()

    def test_processes_opening_the_vault_together_apply_each_migration_exactly_once(self) -> None:
        environment = {**os.environ, **self.settings.as_environment(), "BACKBONE_LOG_LEVEL": "warning"}
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", APPLY_ONE],
                env=environment,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(PROCESSES)
        ]
        for process in processes:  # every interpreter has imported what it needs and opened nothing yet
            assert process.stdout is not None and process.stdout.readline() == "ready\n"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        applied: list[Any] = []
        for process in processes:
            stdout, stderr = process.communicate(timeout=120)
            assert process.returncode == 0, stderr
            applied.extend(json.loads(stdout))
        assert applied == self.every_migration()  # by one of them, in order; the others found them done
