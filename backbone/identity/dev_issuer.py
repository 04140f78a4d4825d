"""The development issuer of embedded mode (the demo): signs tokens with a key kept in the data
directory, so the API can require tokens without a Keycloak. DEVELOPMENT ONLY: whoever can read the data
directory can sign a token with any role; a deployment verifies its identity provider's tokens instead.

Its tokens follow Keycloak's conventions (``realm_access.roles``, ``preferred_username``, ``azp``) and
are checked by the same ``TokenVerifier`` as Keycloak's, so the demo exercises the real code path."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from backbone.clock import Clock, SystemClock
from backbone.identity.signing_keys import StaticKeys
from backbone.identity.thumbprint import jwk_thumbprint
from backbone.identity.verifier import TokenVerifier

DEV_ISSUER = "urn:ind:backbone:dev-issuer"
DEFAULT_AUDIENCE = "backbone-api"
DEV_CLIENT = "backbone-dev"
KEY_FILE = Path("identity") / "dev-issuer-key.pem"


class DevelopmentIssuer:
    """Signs EdDSA (Ed25519) tokens for the embedded mode. The key is created once, readable by its
    owner only (0600), and its kid is its RFC 7638 thumbprint, stable across restarts."""

    issuer = DEV_ISSUER

    def __init__(self, data_dir: Path, clock: Clock | None = None) -> None:
        self.key_path = data_dir / KEY_FILE
        self._clock = clock or SystemClock()
        self._private_key = _load_or_create(self.key_path)
        public_jwk: dict[str, Any] = OKPAlgorithm.to_jwk(self._private_key.public_key(), as_dict=True)
        self.kid = jwk_thumbprint(public_jwk)
        self._public_jwk = {**public_jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig"}

    def issue(
        self,
        username: str,
        roles: Iterable[str],
        lifetime_seconds: int = 3600,
        audience: str = DEFAULT_AUDIENCE,
    ) -> str:
        """A user's access token with ``roles`` as realm roles."""
        issued_at = self._clock.now()
        return self.sign(
            {
                "iss": self.issuer,
                "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.issuer}:{username}")),
                "aud": [audience],
                "iat": int(issued_at.timestamp()),
                "exp": int((issued_at + timedelta(seconds=lifetime_seconds)).timestamp()),
                "jti": str(uuid.uuid4()),
                "typ": "Bearer",
                "azp": DEV_CLIENT,
                "preferred_username": username,
                "realm_access": {"roles": sorted(set(roles))},
            }
        )

    def sign(self, claims: Mapping[str, Any]) -> str:
        """Sign ``claims`` as they are, with this issuer's key and kid."""
        return jwt.encode(dict(claims), self._private_key, algorithm="EdDSA", headers={"kid": self.kid})

    def keys(self) -> StaticKeys:
        return StaticKeys([jwt.PyJWK(self._public_jwk)])

    def verifier(self, audience: str = DEFAULT_AUDIENCE, leeway_seconds: int = 30) -> TokenVerifier:
        return TokenVerifier(self.issuer, audience, self.keys(), leeway_seconds=leeway_seconds)


def _load_or_create(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        _create(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key; move it away to get a new one")
    return key


def _create(path: Path) -> None:
    """Write the key to a private temporary file, then link it into place: two processes starting at
    once both end up reading the one key that won, never a half-written file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    draft = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        os.link(draft, path)
    except FileExistsError:
        pass  # another process created it first; use theirs
    finally:
        draft.unlink(missing_ok=True)
