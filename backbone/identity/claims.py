"""From a verified token's claims to a ``Principal``, in Keycloak's conventions: realm roles under
``realm_access.roles``; a user's name in ``preferred_username``; a service account's token carries the
``client_id`` claim (older Keycloak: ``clientId``) and ``azp``, the client the token was issued to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backbone.identity.errors import InvalidToken
from backbone.identity.principal import Principal

SERVICE_ACCOUNT_CLAIMS = ("client_id", "clientId")


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    subject = claims["sub"]
    service_client = next(
        (claims[c] for c in SERVICE_ACCOUNT_CLAIMS if isinstance(claims.get(c), str)), None
    )
    authorized_party = claims.get("azp")
    client_id = service_client or (authorized_party if isinstance(authorized_party, str) else None)
    username = claims.get("preferred_username")
    if service_client is not None:
        username = service_client
    elif not isinstance(username, str) or not username:
        username = subject
    return Principal(
        subject=subject,
        username=username,
        roles=_realm_roles(claims),
        client_id=client_id,
        is_service_account=service_client is not None,
    )


def _realm_roles(claims: Mapping[str, Any]) -> frozenset[str]:
    realm_access = claims.get("realm_access")
    if realm_access is None:
        return frozenset()
    roles = realm_access.get("roles", []) if isinstance(realm_access, dict) else None
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise InvalidToken("malformed claim: realm_access.roles is not a list of role names")
    return frozenset(roles)
