"""Whose tokens the API accepts, chosen from the settings in one place.

``BACKBONE_OIDC_ISSUER`` set: that issuer's (Keycloak's realm), found by OpenID Connect discovery, its
keys fetched from its JWKS. Unset in embedded mode: the development issuer, whose key lives in the data
directory (``backbone token`` signs with it). Unset in distributed mode: refused, with the setting to
make; a deployment never falls back to a key anyone with the data directory could sign with.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from backbone.errors import ConfigurationError
from backbone.identity.dev_issuer import DevelopmentIssuer
from backbone.identity.discovery import discover
from backbone.identity.errors import IdentityError
from backbone.identity.signing_keys import JwksKeys
from backbone.identity.verifier import TokenVerifier
from backbone.runtime import runtime_for
from backbone.settings import Settings

NO_ISSUER = (
    "distributed mode needs an identity provider: set BACKBONE_OIDC_ISSUER to its issuer, e.g. "
    "http://127.0.0.1:8180/realms/ind (infra/keycloak/keycloak.sh start runs one); the API accepts "
    "no request without a token it can check"
)


@dataclass(frozen=True)
class SignIn:
    """What the dashboard needs to sign a user in: the issuer's endpoints and the public client, or
    ``development`` when tokens come from ``backbone token``."""

    issuer: str
    client_id: str
    authorization_endpoint: str | None = None
    token_endpoint: str | None = None
    end_session_endpoint: str | None = None

    @property
    def development(self) -> bool:
        return self.authorization_endpoint is None

    def origins(self) -> tuple[str, ...]:
        """The origins the dashboard's page fetches from besides its own: the token endpoint's."""
        if self.token_endpoint is None:
            return ()
        url = urlsplit(self.token_endpoint)
        return (f"{url.scheme}://{url.netloc}",)

    def as_json(self) -> dict[str, object]:
        if self.development:
            return {"mode": "development", "issuer": self.issuer}
        return {
            "mode": "oidc",
            "issuer": self.issuer,
            "client_id": self.client_id,
            "authorization_endpoint": self.authorization_endpoint,
            "token_endpoint": self.token_endpoint,
            "end_session_endpoint": self.end_session_endpoint,
        }


@dataclass(frozen=True)
class Identity:
    verifier: TokenVerifier
    sign_in: SignIn


def identity_of(settings: Settings) -> Identity:
    """The verifier and the dashboard's sign-in for ``settings``; raises ``ConfigurationError`` when
    distributed mode has no issuer or the issuer cannot be discovered."""
    if not settings.oidc_issuer:
        if not runtime_for(settings).one_process:  # distributed: a deployment
            raise ConfigurationError(NO_ISSUER)
        issuer = development_issuer(settings)
        verifier = issuer.verifier(settings.oidc_audience, settings.oidc_leeway_seconds)
        return Identity(verifier, SignIn(issuer.issuer, client_id="backbone-dev"))
    try:
        found = discover(settings.oidc_issuer)
    except IdentityError as error:
        raise ConfigurationError(f"BACKBONE_OIDC_ISSUER: {error}") from error
    verifier = TokenVerifier(
        found.issuer,
        settings.oidc_audience,
        JwksKeys(found.jwks_uri),
        leeway_seconds=settings.oidc_leeway_seconds,
    )
    sign_in = SignIn(
        found.issuer,
        settings.oidc_dashboard_client,
        found.authorization_endpoint,
        found.token_endpoint,
        found.end_session_endpoint,
    )
    return Identity(verifier, sign_in)


def development_issuer(settings: Settings) -> DevelopmentIssuer:
    if not runtime_for(settings).one_process or settings.oidc_issuer:
        raise ConfigurationError(
            "the development issuer signs tokens in embedded mode without BACKBONE_OIDC_ISSUER only; "
            "ask the identity provider for a token instead"
        )
    return DevelopmentIssuer(settings.data_dir)
