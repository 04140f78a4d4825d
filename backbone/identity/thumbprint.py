"""A key's RFC 7638 thumbprint: SHA-256 over the JSON of the key's required members only, in
lexicographic order and without whitespace, base64url without padding. The same public key always gets
the same key id, so tokens signed before a restart still name a key the verifier knows."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any

REQUIRED_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x")}


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    members = REQUIRED_MEMBERS.get(jwk.get("kty", ""))
    if members is None:
        raise ValueError(f"no RFC 7638 thumbprint for key type {jwk.get('kty')!r}")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
