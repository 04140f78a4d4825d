"""Checks a bearer token and says who sent it: the signature with the key the header names, then the
issuer, the audience, and the time claims with a small leeway for clocks that disagree.

Every refusal is an ``InvalidToken`` whose reason names the problem and never quotes the token: the
library's own messages are not passed on, since some of them quote header values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jwt
from jwt import exceptions as jwt_errors

from backbone.identity.claims import principal_from_claims
from backbone.identity.errors import InvalidToken
from backbone.identity.principal import Principal
from backbone.identity.signing_keys import SigningKeys

REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub")
ASYMMETRIC_ALGORITHMS = ("RS256", "ES256", "EdDSA")
# Far above any real access token (Keycloak's are 1-3 kB); refused before any parsing.
MAX_TOKEN_LENGTH = 16_384


class TokenVerifier:
    def __init__(
        self,
        issuer: str,
        audience: str,
        keys: SigningKeys,
        leeway_seconds: int = 30,
        algorithms: Sequence[str] = ASYMMETRIC_ALGORITHMS,
    ) -> None:
        if not algorithms or any(a == "none" or a.startswith("HS") for a in algorithms):
            # A shared-secret algorithm next to public keys invites the key-confusion attack.
            raise ValueError(f"only asymmetric algorithms can verify tokens, not {list(algorithms)}")
        self.issuer = issuer
        self.audience = audience
        self._keys = keys
        self._leeway = leeway_seconds
        self._algorithms = tuple(algorithms)

    def verify(self, token: str) -> Principal:
        header = self._header_of(token)
        if header.get("alg") not in self._algorithms:
            raise InvalidToken(f"algorithm not allowed: only {', '.join(self._algorithms)} are accepted")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise InvalidToken("malformed: the key id (kid) is not a string")
        claims = self._claims_of(token, self._keys.key_for(kid))
        if claims.get("typ", "Bearer") != "Bearer":
            # Keycloak marks its tokens: "Bearer" for access, "ID" for ID tokens; an ID token can carry
            # our audience (when the client is called backbone-api) but says who logged in, not what
            # the bearer may do.
            raise InvalidToken("not an access token: its typ claim is not Bearer")
        return principal_from_claims(claims)

    def _header_of(self, token: str) -> dict[str, Any]:
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvalidToken(f"malformed: longer than {MAX_TOKEN_LENGTH} characters")
        try:
            return jwt.get_unverified_header(token)
        except jwt_errors.PyJWTError as error:
            raise InvalidToken("malformed: not a signed JWT (header.payload.signature)") from error

    def _claims_of(self, token: str, key: jwt.PyJWK) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                key=key,
                algorithms=list(self._algorithms),
                audience=self.audience,
                issuer=self.issuer,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS), "verify_signature": True},
            )
        except jwt_errors.PyJWTError as error:
            raise InvalidToken(self._reason(error)) from error

    def _reason(self, error: jwt_errors.PyJWTError) -> str:
        match error:
            case jwt_errors.InvalidSignatureError():
                return "bad signature: not signed by the issuer's key it names"
            case jwt_errors.ExpiredSignatureError():
                return f"expired (allowing {self._leeway} s of clock skew)"
            case jwt_errors.ImmatureSignatureError():
                return f"not yet valid: issued or valid from a moment beyond {self._leeway} s from now"
            case jwt_errors.InvalidIssuerError():
                return f"wrong issuer: tokens must come from {self.issuer}"
            case jwt_errors.InvalidAudienceError():
                return f"wrong audience: the token's aud does not include {self.audience}"
            case jwt_errors.MissingRequiredClaimError():
                return f"missing claim {error.claim}: tokens must carry {', '.join(REQUIRED_CLAIMS)}"
            case jwt_errors.InvalidAlgorithmError() | jwt_errors.InvalidKeyError():
                return "algorithm does not match the key the token names"
            case _:
                return "malformed: the token's claims cannot be read"
