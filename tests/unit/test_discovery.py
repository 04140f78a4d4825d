"""OpenID Connect discovery against a real local HTTP server: the issuer's configuration is trusted only
when it names the issuer we were told to expect, and an issuer we cannot reach says so."""

from __future__ import annotations

import socket

import pytest

from backbone.identity.discovery import discover
from backbone.identity.errors import IdentityError
from backbone.identity.signing_keys import JwksKeys
from backbone.identity.verifier import TokenVerifier
from tests.local_issuer import AUDIENCE, LocalIssuer


def test_discovery_finds_the_jwks_and_endpoints_whose_keys_then_verify_a_token(
    local_issuer: LocalIssuer,
) -> None:
    kid = local_issuer.rotate()

    found = discover(local_issuer.url, timeout=2)

    assert found.issuer == local_issuer.url
    assert found.jwks_uri == local_issuer.jwks_uri
    assert found.token_endpoint == f"{local_issuer.url}/protocol/openid-connect/token"
    assert found.authorization_endpoint == f"{local_issuer.url}/protocol/openid-connect/auth"
    verifier = TokenVerifier(found.issuer, AUDIENCE, JwksKeys(found.jwks_uri))
    assert verifier.verify(local_issuer.token(kid, preferred_username="anna")).username == "anna"


def test_a_configured_issuer_with_a_trailing_slash_must_match_the_document_exactly(
    local_issuer: LocalIssuer,
) -> None:
    with pytest.raises(IdentityError, match="not the configured"):
        discover(local_issuer.url + "/", timeout=2)


def test_an_issuer_whose_document_names_another_issuer_is_refused(local_issuer: LocalIssuer) -> None:
    local_issuer.names_itself = "http://attacker.example/realms/ind"

    with pytest.raises(IdentityError, match=r"names issuer 'http://attacker.example/realms/ind'.*refusing"):
        discover(local_issuer.url, timeout=2)


def test_an_issuer_answering_with_an_error_is_unreachable(local_issuer: LocalIssuer) -> None:
    local_issuer.down = True

    with pytest.raises(IdentityError, match=r"is unreachable .*503"):
        discover(local_issuer.url, timeout=2)


def test_an_issuer_nobody_listens_for_is_unreachable() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(IdentityError, match="is unreachable"):
        discover(f"http://127.0.0.1:{port}/realms/ind", timeout=2)


def test_an_issuer_that_is_not_an_http_address_cannot_be_discovered() -> None:
    with pytest.raises(IdentityError, match="not an http"):
        discover("urn:ind:backbone:dev-issuer")
