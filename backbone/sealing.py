"""Sealing data under a key of its owner's own (AES-256-GCM): what a store of personal data keeps, so that
destroying the owner's key erases the data while the rows around it stay (crypto-shredding).

A sealed value is the 12-byte random nonce, then the ciphertext with its 16-byte tag. The associated
data is not stored: the caller rebuilds it from where the value lives (owner, row), so a sealed value
copied to another row does not open. Stores already hold values in exactly this layout; keep it.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backbone.errors import BackboneError

NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BITS = 256


class SealBroken(BackboneError):
    """A sealed value does not open: another key (the owner's was destroyed and made anew), other
    associated data (moved to another row), or altered bytes."""


def new_key() -> bytes:
    """A fresh random key for one owner."""
    return AESGCM.generate_key(bit_length=KEY_BITS)


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """``plaintext`` encrypted and authenticated under ``key``, bound to ``associated_data``."""
    nonce = os.urandom(NONCE_BYTES)  # random per value: a key seals many values
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def unseal(key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    """The plaintext of a value ``seal`` made with the same key and associated data."""
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise SealBroken(f"a sealed value has at least {NONCE_BYTES + TAG_BYTES} bytes, not {len(sealed)}")
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated_data)
    except InvalidTag as error:
        raise SealBroken("the sealed value does not open with this key and associated data") from error
