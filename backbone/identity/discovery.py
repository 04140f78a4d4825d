"""OpenID Connect discovery: ask the issuer for its configuration and trust it only if it names itself
exactly as we were told to expect (a proxy or a typo in the setting would otherwise send us to another
issuer's keys)."""

from __future__ import annotations

import http.client
import json
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.error import URLError

from backbone.identity.errors import IdentityError

WELL_KNOWN = "/.well-known/openid-configuration"


@dataclass(frozen=True)
class IssuerConfiguration:
    """What we use of an issuer's discovery document; the endpoints are for the dashboard's sign-in."""

    issuer: str
    jwks_uri: str
    authorization_endpoint: str | None
    token_endpoint: str | None
    end_session_endpoint: str | None = None


def discover(issuer_url: str, timeout: float = 5.0) -> IssuerConfiguration:
    """Fetch ``<issuer>/.well-known/openid-configuration``; raise ``IdentityError`` when the issuer is
    unreachable, answers with something that is not a discovery document, or names another issuer."""
    address = issuer_url.rstrip("/") + WELL_KNOWN
    if not address.startswith(("http://", "https://")):
        raise IdentityError(f"the issuer {issuer_url} is not an http(s) address; it cannot be discovered")
    document = _fetch(address, issuer_url, timeout)
    if document.get("issuer") != issuer_url:
        raise IdentityError(
            f"the discovery document at {address} names issuer {document.get('issuer')!r}, "
            f"not the configured {issuer_url!r}; refusing to trust its keys"
        )
    jwks_uri = document.get("jwks_uri")
    if not isinstance(jwks_uri, str) or not jwks_uri:
        raise IdentityError(f"the discovery document at {address} has no jwks_uri")
    return IssuerConfiguration(
        issuer=issuer_url,
        jwks_uri=jwks_uri,
        authorization_endpoint=_optional_text(document, "authorization_endpoint"),
        token_endpoint=_optional_text(document, "token_endpoint"),
        end_session_endpoint=_optional_text(document, "end_session_endpoint"),
    )


def _fetch(address: str, issuer_url: str, timeout: float) -> dict[str, Any]:
    request = urllib.request.Request(address, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            document = json.load(response)
    except (URLError, TimeoutError, http.client.HTTPException) as error:
        raise IdentityError(f"the issuer {issuer_url} is unreachable ({address}): {error}") from error
    except ValueError as error:
        raise IdentityError(f"the issuer's discovery document at {address} is not JSON") from error
    if not isinstance(document, dict):
        raise IdentityError(f"the issuer's discovery document at {address} is not a JSON object")
    return document


def _optional_text(document: dict[str, Any], name: str) -> str | None:
    value = document.get(name)
    return value if isinstance(value, str) else None
