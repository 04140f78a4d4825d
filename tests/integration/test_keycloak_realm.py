"""The `ind` realm of infra/keycloak/realm-ind.json, as the real Keycloak serves it: who gets which token.

Tokens are only decoded here; checking their signatures is the backbone's job, tested where it does it.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.keycloak_tokens import PASSWORD, SERVICE_ACCOUNTS, USERS

pytestmark = pytest.mark.keycloak

API = "backbone-api"
# RFC 7636's example verifier's challenge: any valid S256 challenge will do to open the login page.
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSMtvLwY"


def _part(token: str, index: int) -> dict[str, Any]:
    segment = token.split(".")[index]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return decoded


def _roles(claims: dict[str, Any]) -> list[str]:
    # Keycloak leaves realm_access out when the token carries no realm role.
    return sorted(claims.get("realm_access", {}).get("roles", []))


def _audiences(claims: dict[str, Any]) -> list[str]:
    aud = claims.get("aud", [])
    return [aud] if isinstance(aud, str) else list(aud)


def _token(issuer: str, **form: str) -> httpx.Response:
    return httpx.post(f"{issuer}/protocol/openid-connect/token", data=form, timeout=10)


def _password_grant(
    issuer: str, username: str, password: str, client: str = "backbone-tests"
) -> httpx.Response:
    return _token(issuer, grant_type="password", client_id=client, username=username, password=password)


def test_discovery_names_the_issuer_and_where_its_keys_are(keycloak_issuer: str) -> None:
    discovery = httpx.get(f"{keycloak_issuer}/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == keycloak_issuer
    assert discovery["jwks_uri"].startswith(keycloak_issuer)
    assert "RS256" in discovery["id_token_signing_alg_values_supported"]


def test_the_keys_include_an_rs256_signing_key(keycloak_issuer: str) -> None:
    discovery = httpx.get(f"{keycloak_issuer}/.well-known/openid-configuration", timeout=10).json()
    keys = httpx.get(discovery["jwks_uri"], timeout=10).json()["keys"]
    assert any(k["kty"] == "RSA" and k["alg"] == "RS256" and k["use"] == "sig" for k in keys)


@pytest.mark.parametrize("username", sorted(USERS))
def test_each_user_gets_a_token_for_the_api_with_exactly_their_role(
    keycloak_issuer: str, username: str
) -> None:
    response = _password_grant(keycloak_issuer, username, PASSWORD)
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    claims = _part(token, 1)
    assert _part(token, 0)["alg"] == "RS256"
    assert claims["iss"] == keycloak_issuer
    assert claims["preferred_username"] == username
    assert API in _audiences(claims)
    assert _roles(claims) == USERS[username]
    # 5 minutes: Keycloak takes iat and exp from two readings of its clock, in whole seconds.
    assert claims["exp"] - claims["iat"] in (300, 301)


@pytest.mark.parametrize("client", sorted(SERVICE_ACCOUNTS))
def test_each_service_account_gets_a_token_for_the_api_with_its_role(
    keycloak_issuer: str, client: str
) -> None:
    secret, roles = SERVICE_ACCOUNTS[client]
    response = _token(
        keycloak_issuer, grant_type="client_credentials", client_id=client, client_secret=secret
    )
    assert response.status_code == 200, response.text
    claims = _part(response.json()["access_token"], 1)
    assert claims["azp"] == client
    assert API in _audiences(claims)
    assert _roles(claims) == roles


def test_a_wrong_password_is_refused(keycloak_issuer: str) -> None:
    response = _password_grant(keycloak_issuer, "priya.privacy", "not-" + PASSWORD)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_refused(keycloak_issuer: str) -> None:
    response = _token(
        keycloak_issuer, grant_type="client_credentials", client_id="tower-reader", client_secret="wrong"
    )
    assert response.status_code == 401


@pytest.mark.parametrize("client", ["backbone-dashboard", "tower-reader", "intake-batch"])
def test_only_the_test_client_may_use_the_password_grant(keycloak_issuer: str, client: str) -> None:
    response = _password_grant(keycloak_issuer, "olivia.operations", PASSWORD, client=client)
    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("unauthorized_client", "invalid_client")


def _authorize(issuer: str, redirect_uri: str, **pkce: str) -> httpx.Response:
    params = {
        "client_id": "backbone-dashboard",
        "response_type": "code",
        "scope": "openid",
        "redirect_uri": redirect_uri,
        **pkce,
    }
    return httpx.get(f"{issuer}/protocol/openid-connect/auth", params=params, timeout=10)


@pytest.mark.parametrize("redirect_uri", ["http://127.0.0.1:5173/callback", "http://localhost:8080/"])
def test_the_dashboard_may_sign_in_from_a_loopback_address_on_any_port(
    keycloak_issuer: str, redirect_uri: str
) -> None:
    response = _authorize(
        keycloak_issuer, redirect_uri, code_challenge=CHALLENGE, code_challenge_method="S256"
    )
    assert response.status_code == 200  # the login page


def test_the_dashboard_may_not_send_its_codes_elsewhere(keycloak_issuer: str) -> None:
    response = _authorize(
        keycloak_issuer, "http://elsewhere.example/", code_challenge=CHALLENGE, code_challenge_method="S256"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("pkce", [{}, {"code_challenge": CHALLENGE, "code_challenge_method": "plain"}])
def test_the_dashboard_must_use_pkce_with_s256(keycloak_issuer: str, pkce: dict[str, str]) -> None:
    response = _authorize(keycloak_issuer, "http://127.0.0.1:5173/callback", **pkce)
    assert response.status_code == 302
    assert "error=invalid_request" in response.headers["location"]
