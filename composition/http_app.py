"""The HTTP API of intake and decision in one ASGI app; OpenAPI at /v1/openapi.json, docs at /v1/docs."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from fastapi import FastAPI

from backbone.access_log import AccessLog
from backbone.health import Check, health_router
from backbone.http import install_error_handlers
from backbone.http_auth import install_token_checks
from backbone.http_docs import serve_docs
from backbone.http_headers import answer_with_headers
from backbone.http_query import KNOWN_QUERY_ONLY, declare_unknown_query_refusals
from backbone.http_tracing import trace_requests
from composition.identity import Identity
from services.audit.http_api import audit_router
from services.audit.replay import CaseHistory
from services.control_tower.adapters.dashboard_page import dashboard_router
from services.control_tower.adapters.http_api import tower_router
from services.control_tower.adapters.reconciliation_metrics import Reconciliations
from services.control_tower.adapters.tower_store import TowerStore
from services.decision.adapters.http_api import decision_router
from services.decision.application.decision import Decision
from services.intake.adapters.http_api import intake_router
from services.intake.application.intake import Intake

DOCS = "/v1/docs"
DESCRIPTION = """Commands and control-tower views of the IND case backbone. Every command is
validated first: a bad request gets 422 naming each field and rule and records nothing; a command the
case's state forbids gets 409 with the reason and records nothing. Send `Idempotency-Key` to repeat a
request safely: the same key returns the first result and records nothing new; the same key with
another request gets 422."""


def create_api(
    intake: Intake,
    decision: Decision,
    tower: TowerStore | Callable[[], TowerStore] | None = None,
    *,
    identity: Identity,
    access_log: AccessLog,
    case_history: Callable[[UUID], CaseHistory],
    reconciliations: Reconciliations | None = None,
) -> FastAPI:
    """``tower``: the views, or a callable giving the live generation of them (it follows a rebuild).
    ``identity``: whose tokens are accepted; every operation but health, the docs and the dashboard's
    page (which hold no case data) needs one with a role the operation names. ``access_log``: where
    reads of personal data and auditors' looks are recorded; ``case_history``: a case replayed from
    the stores, for the auditor; ``reconciliations``: of the legacy database with the views, if this
    process runs them."""
    app = FastAPI(
        title="IND case backbone",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_url="/v1/openapi.json",
        docs_url=None,  # served by ``serve_docs`` below, from local assets
        redoc_url=None,
        contact={"name": "The IND case backbone team (README.md, section HTTP API)"},
        servers=[{"url": "/", "description": "This backbone (backbone serve)"}],
        dependencies=[KNOWN_QUERY_ONLY],
    )
    declare_unknown_query_refusals(app)
    install_error_handlers(app)
    install_token_checks(app, identity.verifier)
    serve_docs(app, DOCS, "/v1/openapi.json")
    answer_with_headers(app, app.version, connect_to=identity.sign_in.origins())
    trace_requests(app)
    checks: dict[str, Check] = {
        "intake_store": intake.recorder.max_notification_id,
        "decision_store": decision.recorder.max_notification_id,
    }
    for service in (intake, decision):
        if service.continuity is not None:  # distributed: not ready while a store is behind its topic
            checks[f"{service.name}_store_level_with_topic"] = service.continuity.check
    if tower is not None:
        checks["tower_views"] = lambda: (tower() if callable(tower) else tower).positions()
    app.include_router(health_router(checks))
    app.include_router(intake_router(intake, access_log))
    app.include_router(decision_router(decision, access_log))
    app.include_router(audit_router(access_log, case_history))
    if tower is not None:
        views = tower if callable(tower) else (lambda: tower)
        app.include_router(tower_router(views, intake.clock, reconciliations))
        app.include_router(dashboard_router(identity.sign_in.as_json()))
    return app
