"""A machine client's access token (OAuth 2.0 client credentials), kept until shortly before it expires:
what a batch job or a scraper of the backbone's API uses, with a service account of the realm
(``intake-batch``, ``tower-reader``)."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from urllib.error import HTTPError, URLError

from backbone.identity.discovery import discover
from backbone.identity.errors import IdentityError, IdentityProviderUnavailable

RENEW_BEFORE_SECONDS = 30  # ask for a new token this long before the old one expires


class ClientCredentials:
    """``token()`` gives a valid access token of ``client_id``, fetching a new one when due."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str,
        *,
        timeout_seconds: float = 10,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        endpoint = discover(issuer).token_endpoint
        if endpoint is None:
            raise IdentityError(f"the issuer {issuer} names no token endpoint")
        self.token_endpoint = endpoint
        self.client_id = client_id
        self._secret = client_secret
        self._timeout = timeout_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._monotonic() >= self._renew_at:
                self._token, lifetime = self._fetch()
                self._renew_at = self._monotonic() + max(lifetime - RENEW_BEFORE_SECONDS, lifetime / 2)
            return self._token

    def authorization(self) -> dict[str, str]:
        """The request header that carries the token."""
        return {"Authorization": f"Bearer {self.token()}"}

    def _fetch(self) -> tuple[str, float]:
        form = urllib.parse.urlencode(
            {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self._secret}
        ).encode()
        request = urllib.request.Request(self.token_endpoint, data=form, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                answer = json.load(response)
        except HTTPError as error:
            # The issuer's error code only (e.g. invalid_client): never the request, which holds the secret.
            raise IdentityError(
                f"the issuer refused a token to client {self.client_id}: {error.code} {_error_code(error)}"
            ) from None
        except (URLError, TimeoutError, OSError) as error:
            raise IdentityProviderUnavailable(
                f"the token endpoint {self.token_endpoint} is unreachable: {error}"
            ) from None
        return str(answer["access_token"]), float(answer.get("expires_in", 60))


def _error_code(error: HTTPError) -> str:
    try:
        return str(json.loads(error.read()).get("error", ""))
    except ValueError:
        return ""
