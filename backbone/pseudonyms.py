"""Applicant references: the pseudonym a person has on the bus, the same wherever they come from.

``P-`` and the first 16 hex digits of HMAC-SHA256(pepper, normalised BSN): one person gets one
reference, in the legacy system's cases and in the new ones, and nobody without the pepper can go
back from a reference to a BSN (there are only 10^9 BSNs, so an unkeyed hash would be a lookup table).
The pepper is a secret setting (``BACKBONE_PSEUDONYM_PEPPER`` or ``..._FILE``); embedded mode may keep
a generated one in its data directory.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from backbone.errors import ConfigurationError

PEPPER_FILE = "pseudonym-pepper"
MIN_PEPPER_BYTES = 16
_SEPARATORS = re.compile(r"[\s.\-]")
_BSN = re.compile(r"^[0-9]{8,9}$")


class NotABsn(ValueError):
    """A value that cannot be a BSN; the message never repeats the value."""


def normalised_bsn(bsn: str) -> str:
    """Nine digits: spaces, dots and dashes dropped, an eight-digit BSN padded with a leading 0."""
    digits = _SEPARATORS.sub("", bsn)
    if not _BSN.match(digits):
        raise NotABsn("bsn: not 8 or 9 digits after removing spaces, dots and dashes")
    return digits.zfill(9)


def applicant_ref(pepper: bytes, bsn: str) -> str:
    """The applicant reference of the person with this BSN."""
    if len(pepper) < MIN_PEPPER_BYTES:
        raise ConfigurationError(f"pseudonym pepper: at least {MIN_PEPPER_BYTES} bytes, got {len(pepper)}")
    digest = hmac.new(pepper, normalised_bsn(bsn).encode("ascii"), hashlib.sha256).hexdigest()
    return f"P-{digest[:16]}"


def pepper_in(data_dir: Path) -> bytes:
    """Embedded mode's pepper: read from the data directory, made there (readable by its owner only)
    the first time. Distributed mode sets ``BACKBONE_PSEUDONYM_PEPPER(_FILE)`` instead."""
    path = data_dir / PEPPER_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # made meanwhile by another process
        else:
            with os.fdopen(descriptor, "w", encoding="ascii") as file:
                file.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode()
