"""The personal-data vault: each applicant's personal data encrypted (AES-256-GCM) with a key of their own,
in intake's own database. Forgetting an applicant destroys the key: the ciphertext stays, unreadable,
while every event and projection still replays (crypto-shredding). Keys never leave this module.

Unlike every other store, the vault cannot be rebuilt from events, so its tables are versioned: the
numbered SQL files under ``vault_migrations/`` are applied in order when the vault opens
(``composition/parts.py``), and ``backbone privacy migrate`` shows and applies them.

Caveat: a deleted key row may linger in the database's free pages until overwritten; SQLite runs with
``secure_delete`` for that reason, PostgreSQL needs its regular VACUUM.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from yoyo.connections import DatabaseURI

from backbone.applicant_keys import ApplicantKeys, row_values
from backbone.migrations import Migrations
from backbone.sealing import SealBroken, seal, unseal
from backbone.sql_dialect import SqlDialect
from services.intake.domain.personal_data import PersonalData, PersonalDataErased

MIGRATIONS_PACKAGE = "services.intake.adapters.vault_migrations"


def vault_migrations(database: DatabaseURI, dialect: SqlDialect) -> Migrations:
    """The migrations of the vault's tables, in ``dialect``, for the store at ``database``."""
    source = f"package:{MIGRATIONS_PACKAGE}:{dialect.name}"
    return Migrations(database, source, where="intake's personal-data vault")


class PersonalDataVault:
    def __init__(self, datastore: Any, *, dialect: SqlDialect, schema: str) -> None:
        self._datastore = datastore
        self._p = dialect.placeholder
        self._keys = ApplicantKeys(dialect, schema)
        self._records = dialect.table(schema, "applicant_personal_data")

    def store(self, applicant_ref: str, application_id: UUID, data: PersonalData) -> None:
        p = self._p
        with self._datastore.transaction(commit=True) as cursor:
            key = self._keys.key(cursor, applicant_ref)
            sealed = seal(key, data.model_dump_json().encode(), _aad(applicant_ref, application_id))
            cursor.execute(
                f"INSERT INTO {self._records} (application_id, applicant_ref, ciphertext) "
                f"VALUES ({p}, {p}, {p}) "
                "ON CONFLICT (application_id) DO UPDATE SET ciphertext = excluded.ciphertext",
                (str(application_id), applicant_ref, sealed),
            )

    def read(self, application_id: UUID) -> PersonalData | None:
        """The personal data given with an application; None if none was; raises once forgotten."""
        p = self._p
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT r.applicant_ref, r.ciphertext, k.key FROM {self._records} r "
                f"LEFT JOIN {self._keys.table} k ON k.applicant_ref = r.applicant_ref "
                f"WHERE r.application_id = {p}",
                (str(application_id),),
            )
            row = cursor.fetchone()
        if row is None:
            return None
        applicant_ref, sealed, key = row_values(row)
        if key is None:
            raise PersonalDataErased(
                f"applicant {applicant_ref} was forgotten: their personal data is gone"
            )
        try:
            plain = unseal(bytes(key), bytes(sealed), _aad(applicant_ref, application_id))
        except SealBroken as error:
            raise PersonalDataErased(
                f"the personal data of application {application_id} cannot be read"
            ) from error
        return PersonalData.model_validate_json(plain)

    def forget(self, applicant_ref: str) -> bool:
        """Destroy the applicant's key; returns whether there was one."""
        with self._datastore.transaction(commit=True) as cursor:
            return self._keys.destroy(cursor, applicant_ref)


def _aad(applicant_ref: str, application_id: UUID) -> bytes:
    return f"{applicant_ref}|{application_id}".encode()
