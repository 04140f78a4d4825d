"""The auditor's HTTP interfaces: a case's recorded history (its audit trail, in the manner of the ZGW
APIs' ``audittrail``) and the access log. A look at a case's history is recorded in the access log
(``CaseInspected``: who, which role, when, which case, the stated purpose) before it is shown.

No ``from __future__ import annotations`` here: FastAPI reads parameter types at definition time.
"""

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from backbone.access_log import AccessLog, Look
from backbone.errors import NotFound
from backbone.http_access import looking
from backbone.http_auth import requires
from backbone.identity.principal import Role
from backbone.problems import problem_responses
from ind.access_purposes import ACCESS_PURPOSES, ACCESS_PURPOSES_VERSION
from services.audit.replay import CaseHistory

AUDITORS = (Role.AUDITOR,)
# Privacy officers answer an applicant's question "who has seen my data?" (AVG art. 15).
ACCESS_LOG_READERS = (Role.AUDITOR, Role.PRIVACY_OFFICER)

# An auditor's look at a case: recorded before anything is shown.
AuditorsLook = Annotated[Look, looking(AUDITORS, ACCESS_PURPOSES, ACCESS_PURPOSES_VERSION)]


def audit_router(access_log: AccessLog, case_history: Callable[[UUID], CaseHistory]) -> APIRouter:
    router = APIRouter(prefix="/v1/audit", tags=["audit"])

    @router.get(
        "/cases/{case_id}/history",
        summary="A case's recorded history, checked, with its digest chains (the look is recorded)",
        responses=problem_responses(404, 422),
    )
    def history(
        case_id: UUID,
        look: AuditorsLook,
    ) -> dict[str, Any]:
        access_log.case_inspected(look, case_id, "history")
        replayed = case_history(case_id)
        if not replayed.events and replayed.verified:
            raise NotFound("case", case_id)
        return replayed.as_json()

    @router.get(
        "/access-log",
        summary="Who read personal data or looked at a case: when, under which role, and why",
        dependencies=[requires(*ACCESS_LOG_READERS)],
    )
    def access(
        case_id: Annotated[UUID | None, Query(description="only looks at this case")] = None,
        applicant_ref: Annotated[
            str | None,
            Query(pattern=r"^P-[0-9a-f]{16}$", description="only reads of this applicant's data"),
        ] = None,
        limit: Annotated[int, Query(ge=1, le=10_000, description="the latest this many")] = 1000,
    ) -> list[dict[str, Any]]:
        entries = access_log.entries(case_id=case_id, applicant_ref=applicant_ref, limit=limit)
        return [entry.as_json() for entry in entries]

    return router
