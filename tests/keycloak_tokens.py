"""Tokens from the real Keycloak of ``infra/keycloak`` (realm ``ind``) for the tests: its test users and
service accounts, as declared in infra/keycloak/realm-ind.json (dev-only secrets)."""

from __future__ import annotations

import functools

import httpx

from backbone.identity.client_credentials import ClientCredentials

PASSWORD = "ind-dev-password"  # every test user's dev-only password (infra/keycloak/README.md)
USERS = {
    "olivia.operations": ["operations"],
    "pieter.planner": ["planner"],
    "ingrid.intake": ["intake-officer"],
    "diederik.decision": ["decision-officer"],
    "priya.privacy": ["privacy-officer"],
    "anton.auditor": ["auditor"],
    "nobody": [],
}
SERVICE_ACCOUNTS = {
    "tower-reader": ("tower-reader-dev-secret", ["operations"]),
    "intake-batch": ("intake-batch-dev-secret", ["intake-officer"]),
}


@functools.cache
def service_account(issuer: str, client: str) -> ClientCredentials:
    """A service account's tokens, renewed when due (one per issuer and client for the whole run)."""
    return ClientCredentials(issuer, client, SERVICE_ACCOUNTS[client][0])


def user_token(issuer: str, username: str) -> str:
    """A test user's access token by the password grant, which only the ``backbone-tests`` client has."""
    response = httpx.post(
        f"{issuer}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "backbone-tests",
            "username": username,
            "password": PASSWORD,
        },
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])
