"""The identity errors. None of their messages holds the token or any part of it: a message may reach a
response body or a log line, and a token there is a credential handed to whoever reads it."""

from __future__ import annotations

from collections.abc import Iterable

from backbone.errors import BackboneError


class IdentityError(BackboneError):
    """The caller's identity could not be established, or the issuer could not be reached or trusted."""


class InvalidToken(IdentityError):
    """A bearer token is refused (answered with 401); ``reason`` says what is wrong with it."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the bearer token is refused: {reason}")
        self.reason = reason


class IdentityProviderUnavailable(IdentityError):
    """The issuer's keys could not be fetched, so no token can be checked (503: not the caller's fault)."""


class MissingRole(IdentityError):
    """A verified caller holds none of the roles an action needs (answered with 403)."""

    def __init__(self, required: Iterable[str]) -> None:
        self.required = tuple(sorted(required))
        super().__init__(f"forbidden: this needs one of the roles {', '.join(self.required)}")
