"""The token verifier, on tokens of the development issuer (the code path Keycloak's tokens take too):
a good token gives its caller and roles; every bad one is refused with a reason that names the problem
and quotes no part of the token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backbone.clock import ManualClock, SystemClock
from backbone.errors import BackboneError
from backbone.identity.dev_issuer import DevelopmentIssuer
from backbone.identity.errors import IdentityError, InvalidToken
from backbone.identity.principal import Role
from backbone.identity.signing_keys import StaticKeys
from backbone.identity.verifier import TokenVerifier


def refusal_of(verifier: TokenVerifier, token: str) -> InvalidToken:
    """The refusal of ``token``, checked to quote none of its parts, nor any error it was raised from."""
    with pytest.raises(InvalidToken) as refused:
        verifier.verify(token)
    messages = []
    error: BaseException | None = refused.value
    while error is not None:
        messages.append(str(error))
        error = error.__cause__
    for part in (part for part in [token, *token.split(".")] if len(part) > 3):
        assert not any(part in message for message in messages), f"a refusal quotes the token: {messages}"
    return refused.value


def issuer_at(data: Path, ago: timedelta) -> DevelopmentIssuer:
    return DevelopmentIssuer(data, ManualClock(SystemClock().now() - ago))


def b64(data: bytes | dict[str, Any]) -> str:
    raw = json.dumps(data).encode() if isinstance(data, dict) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_development_token_verifies_and_names_its_caller_and_roles(tmp_path: Path) -> None:
    issuer = DevelopmentIssuer(tmp_path)
    token = issuer.issue("dora", [Role.DECISION_OFFICER, Role.AUDITOR])

    caller = issuer.verifier().verify(token)

    assert caller.username == "dora"
    assert caller.roles == {"decision-officer", "auditor"}
    assert caller.holds(Role.AUDITOR) and not caller.holds(Role.PLANNER)
    assert caller.client_id == "backbone-dev" and not caller.is_service_account
    assert caller.subject == issuer.verifier().verify(issuer.issue("dora", [])).subject


def test_a_token_expired_beyond_the_leeway_is_refused_and_one_within_it_accepted(tmp_path: Path) -> None:
    verifier = DevelopmentIssuer(tmp_path).verifier(leeway_seconds=30)
    just_expired = issuer_at(tmp_path, timedelta(seconds=70)).issue("dora", [], lifetime_seconds=60)
    long_expired = issuer_at(tmp_path, timedelta(seconds=130)).issue("dora", [], lifetime_seconds=60)

    assert verifier.verify(just_expired).username == "dora"
    assert refusal_of(verifier, long_expired).reason.startswith("expired")


def test_a_token_issued_beyond_the_leeway_in_the_future_is_refused(tmp_path: Path) -> None:
    verifier = DevelopmentIssuer(tmp_path).verifier()
    from_the_future = issuer_at(tmp_path, -timedelta(minutes=5)).issue("dora", [])

    assert refusal_of(verifier, from_the_future).reason.startswith("not yet valid")


def test_a_token_from_another_issuer_is_refused_naming_the_issuer_expected(tmp_path: Path) -> None:
    issuer = DevelopmentIssuer(tmp_path)
    token = issuer.sign(issuer_claims(issuer) | {"iss": "https://elsewhere.example/realms/ind"})

    reason = refusal_of(issuer.verifier(), token).reason
    assert reason == "wrong issuer: tokens must come from urn:ind:backbone:dev-issuer"


def test_a_token_for_another_audience_is_refused(tmp_path: Path) -> None:
    issuer = DevelopmentIssuer(tmp_path)
    token = issuer.issue("dora", [Role.PLANNER], audience="account")

    assert refusal_of(issuer.verifier(), token).reason.startswith("wrong audience")


def test_an_id_token_is_refused_as_not_an_access_token(tmp_path: Path) -> None:
    issuer = DevelopmentIssuer(tmp_path)
    id_token = issuer.sign(issuer_claims(issuer) | {"typ": "ID"})

    assert refusal_of(issuer.verifier(), id_token).reason.startswith("not an access token")


@pytest.mark.parametrize("claim", ["exp", "iat", "iss", "aud", "sub"])
def test_a_token_without_a_required_claim_is_refused_naming_it(tmp_path: Path, claim: str) -> None:
    issuer = DevelopmentIssuer(tmp_path)
    claims = issuer_claims(issuer)
    del claims[claim]

    assert refusal_of(issuer.verifier(), issuer.sign(claims)).reason.startswith(f"missing claim {claim}")


def test_a_token_signed_by_another_key_under_the_issuer_s_kid_has_a_bad_signature(tmp_path: Path) -> None:
    issuer = DevelopmentIssuer(tmp_path)
    forged = jwt.encode(
        issuer_claims(issuer), Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": issuer.kid}
    )

    assert refusal_of(issuer.verifier(), forged).reason.startswith("bad signature")


def test_an_unsigned_token_alg_none_is_refused(tmp_path: Path) -> None:
    issuer = DevelopmentIssuer(tmp_path)
    unsigned = f"{b64({'alg': 'none', 'kid': issuer.kid})}.{b64(issuer_claims(issuer))}."

    assert refusal_of(issuer.verifier(), unsigned).reason.startswith("algorithm not allowed")


def test_an_hs256_token_keyed_with_the_public_key_is_refused(tmp_path: Path) -> None:
    """The key-confusion attack: the public key, which anyone can read, used as an HMAC secret."""
    issuer = DevelopmentIssuer(tmp_path)
    public_pem = (
        issuer.keys()
        .key_for(None)
        .key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    signing_input = f"{b64({'alg': 'HS256', 'typ': 'JWT', 'kid': issuer.kid})}.{b64(issuer_claims(issuer))}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()

    assert refusal_of(issuer.verifier(), f"{signing_input}.{b64(mac)}").reason.startswith(
        "algorithm not allowed"
    )


def test_a_token_that_names_an_eddsa_key_but_says_rs256_is_refused(tmp_path: Path) -> None:
    issuer = DevelopmentIssuer(tmp_path)
    header = b64({"alg": "RS256", "kid": issuer.kid})
    token = f"{header}.{b64(issuer_claims(issuer))}.{b64(b'x' * 256)}"

    assert refusal_of(issuer.verifier(), token).reason == "algorithm does not match the key the token names"


def test_a_token_naming_a_key_the_issuer_does_not_have_is_refused(tmp_path: Path) -> None:
    issuer = DevelopmentIssuer(tmp_path)
    other = DevelopmentIssuer(tmp_path / "elsewhere")

    assert refusal_of(issuer.verifier(), other.issue("dora", [])).reason.startswith("unknown key")


@pytest.mark.parametrize("garbage", ["", "not-a-token", "a.b.c", "x" * 20_000, "Bearer abc.def.ghi"])
def test_malformed_tokens_are_refused_as_malformed(tmp_path: Path, garbage: str) -> None:
    assert refusal_of(DevelopmentIssuer(tmp_path).verifier(), garbage).reason.startswith("malformed")


def test_a_token_without_a_kid_verifies_only_when_the_issuer_has_exactly_one_key(tmp_path: Path) -> None:
    issuer = DevelopmentIssuer(tmp_path)
    private_pem = (tmp_path / "identity" / "dev-issuer-key.pem").read_bytes()
    no_kid = jwt.encode(issuer_claims(issuer), private_pem, algorithm="EdDSA")
    other = DevelopmentIssuer(tmp_path / "other").keys().key_for(None)
    two_keys = TokenVerifier(
        issuer.issuer, "backbone-api", StaticKeys([issuer.keys().key_for(None), other])
    )

    assert issuer.verifier().verify(no_kid).username == "dora"
    assert refusal_of(two_keys, no_kid).reason.startswith("no key id (kid)")


def test_a_verifier_will_not_accept_a_shared_secret_algorithm() -> None:
    with pytest.raises(ValueError, match="only asymmetric algorithms"):
        TokenVerifier("urn:x", "backbone-api", StaticKeys([]), algorithms=("RS256", "HS256"))


def test_a_refusal_is_an_identity_error_of_the_backbone(tmp_path: Path) -> None:
    refused = refusal_of(DevelopmentIssuer(tmp_path).verifier(), "nonsense")
    assert isinstance(refused, IdentityError) and isinstance(refused, BackboneError)
    assert (
        str(refused)
        == "the bearer token is refused: malformed: not a signed JWT (header.payload.signature)"
    )


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=5)


def issuer_claims(issuer: DevelopmentIssuer) -> dict[str, Any]:
    """The claims ``issuer.issue`` would sign for dora, to change one at a time."""
    claims: dict[str, Any] = jwt.decode(issuer.issue("dora", []), options={"verify_signature": False})
    return claims


ANY_HEADER = st.fixed_dictionaries(
    {"alg": st.sampled_from(["EdDSA", "RS256", "none", "HS256"]) | json_values()},
    optional={"kid": json_values(), "typ": json_values(), "crit": json_values()},
)
# iss stays a string: PyJWT will not sign another kind, and a wrong issuer is tested above.
CLAIM_NAMES = ["exp", "iat", "nbf", "aud", "sub", "typ", "azp", "client_id", "preferred_username"]


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=ANY_HEADER, garbage=st.text())
def test_whatever_arrives_unsigned_is_refused_as_an_invalid_token_never_another_error(
    tmp_path: Path, header: dict[str, Any], garbage: str
) -> None:
    verifier = DevelopmentIssuer(tmp_path).verifier()
    for token in (garbage, f"{b64(header)}.{b64(garbage.encode())}.{b64(garbage.encode()[:64])}"):
        with pytest.raises(InvalidToken):
            verifier.verify(token)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changed=st.dictionaries(st.sampled_from(CLAIM_NAMES), json_values()),
    realm_access=json_values() | st.fixed_dictionaries({"roles": json_values()}),
)
def test_whatever_the_issuer_signs_gives_a_caller_or_an_invalid_token_never_another_error(
    tmp_path: Path, changed: dict[str, Any], realm_access: Any
) -> None:
    issuer = DevelopmentIssuer(tmp_path)
    token = issuer.sign(issuer_claims(issuer) | changed | {"realm_access": realm_access})
    try:
        caller = issuer.verifier().verify(token)
    except InvalidToken:
        return
    assert isinstance(caller.subject, str) and isinstance(caller.username, str)
    assert all(isinstance(role, str) for role in caller.roles)
