"""The issuer's published keys, fetched from a real local HTTP server: kept between tokens, fetched again
at once for a kid we do not know (a rotation), but never more than once per interval however many forged
kids arrive, and kept through an outage of the issuer."""

from __future__ import annotations

import pytest

from backbone.identity.errors import IdentityProviderUnavailable, InvalidToken
from backbone.identity.signing_keys import JwksKeys
from backbone.identity.verifier import TokenVerifier
from tests.local_issuer import AUDIENCE, LocalIssuer, Stopwatch

JWKS = "/realms/ind/protocol/openid-connect/certs"


def verifier_of(issuer: LocalIssuer, watch: Stopwatch) -> TokenVerifier:
    keys = JwksKeys(issuer.jwks_uri, lifespan_seconds=300, refetch_interval_seconds=30, monotonic=watch)
    return TokenVerifier(issuer.url, AUDIENCE, keys)


def test_the_keys_are_fetched_once_and_kept_for_every_token(local_issuer: LocalIssuer) -> None:
    kid = local_issuer.rotate()
    verifier = verifier_of(local_issuer, Stopwatch())

    for user in ("anna", "bram", "cees"):
        assert verifier.verify(local_issuer.token(kid, sub=user)).subject == user

    assert local_issuer.requests[JWKS] == 1


def test_a_first_token_with_an_unknown_kid_costs_one_fetch_not_two(local_issuer: LocalIssuer) -> None:
    kid = local_issuer.rotate()
    verifier = verifier_of(local_issuer, Stopwatch())

    with pytest.raises(InvalidToken, match="unknown key"):
        verifier.verify(local_issuer.token(kid, naming="forged"))
    assert local_issuer.requests[JWKS] == 1


def test_a_rotated_key_is_accepted_after_one_refetch(local_issuer: LocalIssuer) -> None:
    old = local_issuer.rotate()
    verifier = verifier_of(local_issuer, Stopwatch())
    verifier.verify(local_issuer.token(old))

    new = local_issuer.rotate()
    assert verifier.verify(local_issuer.token(new)).subject == "user-1"
    assert local_issuer.requests[JWKS] == 2


def test_a_storm_of_forged_kids_causes_at_most_one_fetch_per_interval(local_issuer: LocalIssuer) -> None:
    kid = local_issuer.rotate()
    watch = Stopwatch()
    verifier = verifier_of(local_issuer, watch)
    verifier.verify(local_issuer.token(kid))

    for attempt in range(50):
        with pytest.raises(InvalidToken, match="unknown key"):
            verifier.verify(local_issuer.token(kid, naming=f"forged-{attempt}"))
        watch.advance(1)  # 50 s in all: the interval of 30 s passes once
    assert local_issuer.requests[JWKS] == 1 + 2  # the first fetch, a refetch at 0 s and one at 30 s


def test_a_key_rotated_while_refetching_is_throttled_is_accepted_once_the_interval_passes(
    local_issuer: LocalIssuer,
) -> None:
    watch = Stopwatch()
    verifier = verifier_of(local_issuer, watch)
    verifier.verify(local_issuer.token(local_issuer.rotate()))
    verifier.verify(local_issuer.token(local_issuer.rotate()))  # refetched for the new key
    newer = local_issuer.rotate()  # rotated again within the interval

    with pytest.raises(InvalidToken, match="unknown key"):
        verifier.verify(local_issuer.token(newer))
    watch.advance(30)
    assert verifier.verify(local_issuer.token(newer)).subject == "user-1"


def test_the_known_keys_keep_serving_through_an_outage_and_the_issuer_is_not_hammered(
    local_issuer: LocalIssuer,
) -> None:
    kid = local_issuer.rotate()
    watch = Stopwatch()
    verifier = verifier_of(local_issuer, watch)
    verifier.verify(local_issuer.token(kid))
    local_issuer.down = True
    watch.advance(301)  # the keys are due for a refresh, which fails

    for _ in range(20):
        assert verifier.verify(local_issuer.token(kid)).subject == "user-1"
    assert local_issuer.requests[JWKS] == 2


def test_with_the_issuer_down_from_the_start_tokens_cannot_be_checked(local_issuer: LocalIssuer) -> None:
    kid = local_issuer.rotate()
    watch = Stopwatch()
    verifier = verifier_of(local_issuer, watch)
    local_issuer.down = True

    for _ in range(5):
        with pytest.raises(IdentityProviderUnavailable, match="could not be fetched"):
            verifier.verify(local_issuer.token(kid))
    assert local_issuer.requests[JWKS] == 1

    local_issuer.down = False
    watch.advance(30)
    assert verifier.verify(local_issuer.token(kid)).subject == "user-1"


def test_a_jwks_address_that_is_not_http_is_refused() -> None:
    with pytest.raises(IdentityProviderUnavailable, match="not http"):
        JwksKeys("file:///etc/passwd")
