"""A real OpenID Connect issuer in miniature for the identity tests: an HTTP server on 127.0.0.1 that
serves a discovery document and a JWKS the test controls, counts the requests it answers, and signs RS256
tokens with the keys it publishes. Keys are made with ``cryptography``, in process."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from backbone.identity.thumbprint import jwk_thumbprint

AUDIENCE = "backbone-api"


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class LocalIssuer:
    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.published: dict[str, rsa.RSAPrivateKey] = {}
        self.names_itself: str | None = None  # the discovery document's issuer; None: its own address
        self.down = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/realms/ind"
        self.jwks_uri = f"{self.url}/protocol/openid-connect/certs"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def rotate(self) -> str:
        """Publish a new key in place of the old ones; returns its kid."""
        key = rsa_key()
        kid = jwk_thumbprint(RSAAlgorithm.to_jwk(key.public_key(), as_dict=True))
        self.published = {kid: key}
        return kid

    def token(self, kid: str, *, naming: str | None = None, **claims: Any) -> str:
        """A token signed with the key ``kid``, whose header names ``naming`` (a forged kid) or ``kid``."""
        now = int(time.time())
        body = {"iss": self.url, "aud": AUDIENCE, "sub": "user-1", "iat": now, "exp": now + 300} | claims
        return jwt.encode(body, self.published[kid], algorithm="RS256", headers={"kid": naming or kid})

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _documents(self) -> dict[str, Any]:
        base = self.url.removeprefix(f"http://127.0.0.1:{self._server.server_address[1]}")
        jwks = [
            RSAAlgorithm.to_jwk(key.public_key(), as_dict=True) | {"kid": kid, "alg": "RS256", "use": "sig"}
            for kid, key in self.published.items()
        ]
        discovery = {
            "issuer": self.names_itself or self.url,
            "jwks_uri": self.jwks_uri,
            "authorization_endpoint": f"{self.url}/protocol/openid-connect/auth",
            "token_endpoint": f"{self.url}/protocol/openid-connect/token",
        }
        return {
            f"{base}/.well-known/openid-configuration": discovery,
            f"{base}/protocol/openid-connect/certs": {"keys": jwks},
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.requests[self.path] += 1
                document = issuer._documents().get(self.path)
                if issuer.down or document is None:
                    self.send_error(503 if issuer.down else 404)
                    return
                body = json.dumps(document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the test reads the counter, not the log

        return Handler


def running_issuer() -> Iterator[LocalIssuer]:
    issuer = LocalIssuer()
    try:
        yield issuer
    finally:
        issuer.close()


class Stopwatch:
    """A monotonic clock that moves only when told to, for the key source's intervals."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += seconds
