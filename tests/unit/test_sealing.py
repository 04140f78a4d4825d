"""Sealing under an owner's key: the one helper the vault and the note store share, and the values they
already hold still open.

The fixed vectors below were made in the layout both stores wrote before the helper existed (nonce, then
ciphertext and tag; AES-256-GCM; the associated data each store builds), with a fixed key and nonce.
"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from backbone.runtime import runtime_for
from backbone.sealing import SealBroken, new_key, seal, unseal
from composition.embedded import EmbeddedBackbone
from composition.parts import INTAKE
from services.intake.domain.personal_data import PersonalData
from tests.factories import clock, embedded_settings

KEY = bytes(range(32))
APPLICANT = "P-0123456789abcdef"
APPLICATION = UUID("00000000-0000-4000-8000-00000000c0de")
VAULT_AAD = f"{APPLICANT}|{APPLICATION}".encode()  # applicant|application, as the vault binds a record
NOTE_AAD = f"{APPLICANT}|{APPLICATION}|7".encode()  # applicant|case|version, as the note store binds a note
SEALED_PERSONAL_DATA = bytes.fromhex(
    "000102030405060708090a0b3c20b07aa88cae62d22ff6e6d4cb424fcbb7e350911f7d501a008cf378075fdc607dcb8f8d"
    "fb30ba58861b8cfce27757880602e428a2cbf805b51b2021d2d8dec411f74df1ac745cbab70be2c97469c9c635065e4633"
)
SEALED_NOTE = bytes.fromhex(
    "0b0a09080706050403020100738d2b735d4802eb9accba3a0fa8576de823460dca4a437c2a241550135cbdba8b"
)


def test_a_value_sealed_in_the_stores_former_layout_still_opens() -> None:
    assert unseal(KEY, SEALED_PERSONAL_DATA, VAULT_AAD) == (
        b'{"family_name":"Haddad","given_names":"","date_of_birth":"1991-04-17"}'
    )
    assert unseal(KEY, SEALED_NOTE, NOTE_AAD) == b"Sprak over Aleppo"


def test_a_sealed_value_opens_with_its_key_and_associated_data_only() -> None:
    key = new_key()
    sealed = seal(key, b"Yara", VAULT_AAD)
    assert unseal(key, sealed, VAULT_AAD) == b"Yara"
    assert b"Yara" not in sealed and len(key) == 32
    with pytest.raises(SealBroken):
        unseal(new_key(), sealed, VAULT_AAD)
    with pytest.raises(SealBroken):
        unseal(key, sealed, NOTE_AAD)  # moved to another row
    with pytest.raises(SealBroken):
        unseal(key, sealed[:-1] + bytes([sealed[-1] ^ 1]), VAULT_AAD)
    with pytest.raises(SealBroken):
        unseal(key, sealed[:20], VAULT_AAD)


def test_the_same_value_sealed_twice_differs() -> None:
    key = new_key()
    assert seal(key, b"Yara", VAULT_AAD) != seal(key, b"Yara", VAULT_AAD)  # a fresh nonce each time


def test_the_vault_reads_a_record_stored_in_its_former_layout(tmp_path: Path) -> None:
    settings = embedded_settings(tmp_path)
    backbone = EmbeddedBackbone(settings, clock=clock())
    try:
        vault = backbone.intake.vault
        dialect = runtime_for(settings).dialect
        keys, records = (
            dialect.table(INTAKE, "applicant_keys"),
            dialect.table(INTAKE, "applicant_personal_data"),
        )
        p = dialect.placeholder
        with backbone.intake.factory.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"INSERT INTO {keys} (applicant_ref, key) VALUES ({p}, {p})", (APPLICANT, KEY))
            cursor.execute(
                f"INSERT INTO {records} (application_id, applicant_ref, ciphertext) VALUES ({p}, {p}, {p})",
                (str(APPLICATION), APPLICANT, SEALED_PERSONAL_DATA),
            )
        assert vault.read(APPLICATION) == PersonalData(family_name="Haddad", date_of_birth="1991-04-17")
    finally:
        backbone.close()
