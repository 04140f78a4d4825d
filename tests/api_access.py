"""Signed-in access to the HTTP API for the tests: a development issuer of the tests' own (its key in
a temporary folder, made once per run), the ``Identity`` that accepts its tokens, and clients that send
them. The same ``TokenVerifier`` checks these tokens as checks Keycloak's."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from fastapi import FastAPI
from fastapi.testclient import TestClient

from backbone.access_log import AccessLog
from backbone.identity.dev_issuer import DevelopmentIssuer
from backbone.identity.principal import Role
from composition.http_app import create_api
from composition.identity import Identity, SignIn
from services.audit.replay import CaseHistory
from tests.factories import clock, codec

EVERY_ROLE = tuple(Role)


@functools.cache
def shared_issuer() -> DevelopmentIssuer:
    return DevelopmentIssuer(Path(tempfile.mkdtemp(prefix="backbone-test-issuer-")))


def issuer_of(data_dir: Path) -> DevelopmentIssuer:
    """The development issuer of a served embedded backbone: the one whose key is in its data dir."""
    return DevelopmentIssuer(data_dir)


def identity_of_issuer(issuer: DevelopmentIssuer) -> Identity:
    return Identity(issuer.verifier(), SignIn(issuer.issuer, client_id="backbone-dev"))


def bearer(
    *roles: Role | str, user: str = "test.user", issuer: DevelopmentIssuer | None = None
) -> dict[str, str]:
    """The Authorization header of a token holding ``roles`` (every role when none are named)."""
    token = (issuer or shared_issuer()).issue(user, [str(role) for role in roles or EVERY_ROLE])
    return {"Authorization": f"Bearer {token}"}


def in_memory_access_log() -> AccessLog:
    return AccessLog(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, codec=codec(), clock=clock())


def api_app(
    intake: Any,
    decision: Any,
    tower: Any = None,
    *,
    access_log: AccessLog | None = None,
    case_history: Callable[[UUID], CaseHistory] | None = None,
    reconciliations: Any = None,
) -> FastAPI:
    """``create_api`` accepting the tests' issuer's tokens; by default its access log is in memory, and
    it has no case history for the auditor (give ``case_history`` to test that)."""

    def no_history(case_id: UUID) -> CaseHistory:
        raise AssertionError(f"this test's API was given no case history (asked for {case_id})")

    return create_api(
        intake,
        decision,
        tower,
        identity=identity_of_issuer(shared_issuer()),
        access_log=access_log or in_memory_access_log(),
        case_history=case_history or no_history,
        reconciliations=reconciliations,
    )


def signed_in_api(
    intake: Any,
    decision: Any,
    tower: Any = None,
    *,
    roles: tuple[Role, ...] = EVERY_ROLE,
    reconciliations: Any = None,
) -> TestClient:
    """A client of ``create_api`` whose every request carries a token with ``roles``."""
    app = api_app(intake, decision, tower, reconciliations=reconciliations)
    return TestClient(app, headers=bearer(*roles))
