"""Where the verifier finds the public key a token names: a fixed set (the development issuer) or an
issuer's JWKS document, fetched and kept.

``JwksKeys`` uses PyJWT's ``PyJWKClient`` (2.15) only to fetch and parse the document: its fetch
refuses schemes other than http(s), follows no redirect and wraps network failures in
``PyJWKClientConnectionError``; ``get_signing_keys`` keeps the keys with ``use`` "sig" (or none) and a
``kid``, each a ``PyJWK`` bound to one algorithm (from its ``alg``, else its key type), so a token cannot
choose the algorithm a key is used with. We switch its two caches off and keep the keys here, because:
its JWK-set cache forgets the keys when its lifespan ends, so an issuer outage longer than that would
refuse every caller; its per-kid LRU cache never forgets a key the issuer has withdrawn; and its
cool-down after an unknown kid starts on every successful fetch (a key rotated just after start waits)
but not on a failed one (forged kids during an outage would each cause a fetch)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import structlog
from jwt import PyJWK, PyJWKClient
from jwt.exceptions import PyJWKClientConnectionError, PyJWKClientError, PyJWKSetError

from backbone.identity.errors import IdentityProviderUnavailable, InvalidToken

log = structlog.get_logger(__name__)


class SigningKeys(Protocol):
    def key_for(self, kid: str | None) -> PyJWK:
        """The key named ``kid``; with no kid, the only key. Raises ``InvalidToken`` when there is none."""
        ...


def _pick(keys: Sequence[PyJWK], kid: str | None) -> PyJWK | None:
    if kid is None:
        if len(keys) > 1:
            raise InvalidToken("no key id (kid) in the header, and the issuer has several keys")
        return keys[0] if keys else None
    return next((key for key in keys if key.key_id == kid), None)


UNKNOWN_KEY = "unknown key: the issuer publishes no key with the token's key id (kid)"


class StaticKeys:
    """A fixed set of keys, each with its ``kid``; the development issuer's."""

    def __init__(self, keys: Iterable[PyJWK]) -> None:
        self._keys = tuple(keys)
        if any(key.key_id is None for key in self._keys):
            raise ValueError("every static signing key needs a kid")

    def key_for(self, kid: str | None) -> PyJWK:
        key = _pick(self._keys, kid)
        if key is None:
            raise InvalidToken(UNKNOWN_KEY)
        return key


class JwksKeys:
    """An issuer's published keys, fetched on first use and again after ``lifespan_seconds``.

    A token naming a kid we do not hold causes one fetch at once (the issuer may have rotated its key),
    but at most one such fetch every ``refetch_interval_seconds``, so a stream of forged kids cannot
    turn into a stream of requests to the issuer. After a failed fetch nothing is fetched for that
    interval either; the keys already held keep serving through an outage."""

    def __init__(
        self,
        jwks_uri: str,
        *,
        lifespan_seconds: float = 300,
        refetch_interval_seconds: float = 30,
        timeout_seconds: float = 5,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        try:
            self._client = PyJWKClient(
                jwks_uri, cache_keys=False, cache_jwk_set=False, timeout=timeout_seconds
            )
        except PyJWKClientError as error:
            raise IdentityProviderUnavailable(f"the JWKS address {jwks_uri} is not http(s)") from error
        self.jwks_uri = jwks_uri
        self._lifespan = lifespan_seconds
        self._interval = refetch_interval_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._keys: tuple[PyJWK, ...] | None = None
        self._fetched_at = 0.0
        self._refetched_at: float | None = None
        self._failed_at: float | None = None

    def key_for(self, kid: str | None) -> PyJWK:
        with self._lock:
            now = self._monotonic()
            due = self._keys is None or now - self._fetched_at >= self._lifespan
            just_fetched = due and self._refresh_when_due(now)
            assert self._keys is not None  # _refresh_when_due raised if there are none
            key = _pick(self._keys, kid)
            if key is None and not just_fetched and self._may_refetch(now):
                self._refetched_at = now
                self._fetch(now)
                key = _pick(self._keys, kid)
            if key is None:
                raise InvalidToken(UNKNOWN_KEY)
            return key

    def _refresh_when_due(self, now: float) -> bool:
        """Fetch unless a fetch failed within the interval; True when the keys were fetched just now."""
        if self._in_backoff(now):
            if self._keys is None:
                raise IdentityProviderUnavailable(
                    f"the issuer's keys at {self.jwks_uri} could not be fetched; retrying after "
                    f"{self._interval:g} s"
                )
            return False
        try:
            self._fetch(now)
        except IdentityProviderUnavailable:
            if self._keys is None:
                raise
            log.warning("jwks_refresh_failed_keeping_known_keys", jwks_uri=self.jwks_uri)
            return False
        return True

    def _may_refetch(self, now: float) -> bool:
        recently = self._refetched_at is not None and now - self._refetched_at < self._interval
        return not recently and not self._in_backoff(now)

    def _in_backoff(self, now: float) -> bool:
        return self._failed_at is not None and now - self._failed_at < self._interval

    def _fetch(self, now: float) -> None:
        try:
            keys = self._client.get_signing_keys()
        except PyJWKClientConnectionError as error:
            self._failed_at = now
            raise IdentityProviderUnavailable(
                f"the issuer's keys at {self.jwks_uri} could not be fetched: {error}"
            ) from error
        except (PyJWKClientError, PyJWKSetError, ValueError) as error:
            self._failed_at = now
            raise IdentityProviderUnavailable(
                f"the document at {self.jwks_uri} is not a JWKS with signing keys"
            ) from error
        self._keys = tuple(keys)
        self._fetched_at = now
        self._failed_at = None
        log.info("jwks_fetched", jwks_uri=self.jwks_uri, keys=len(self._keys))
