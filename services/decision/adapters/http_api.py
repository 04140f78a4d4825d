"""Decision's HTTP API: each case command as a resource under /v1/cases/{case_id}.

No ``from __future__ import annotations`` here: FastAPI reads the command models from the endpoints'
annotations at definition time.
"""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter

from backbone.access_log import AccessLog, Look
from backbone.http import CorrelationId, IdempotencyKey
from backbone.http_access import looking
from backbone.http_auth import requires
from backbone.identity.principal import Role
from backbone.problems import problem_responses
from ind.access_purposes import ACCESS_PURPOSES, ACCESS_PURPOSES_VERSION
from services.decision.application.commands import COMMANDS, CaseCommand
from services.decision.application.decision import Decision
from services.decision.domain.case import Case


def case_state(case: Case) -> dict[str, Any]:
    return {
        "case_id": str(case.id),
        "version": case.version,
        "procedure": case.procedure.value,
        "statutory_deadline": str(case.statutory_deadline),
        "policy_version": case.clock.policy_version,
        "suspended": case.clock.is_suspended,
        "outcome": case.outcome.value if case.outcome else None,
        "closed": case.closed,
        "objected_case_id": str(case.objected_case_id) if case.objected_case_id else None,
        "objection_case_id": str(case.objection_case_id) if case.objection_case_id else None,
    }


# Decision officers work cases; intake officers follow what became of what they accepted; auditors look.
READERS = (Role.DECISION_OFFICER, Role.INTAKE_OFFICER, Role.AUDITOR)
WORKERS = (Role.DECISION_OFFICER,)
# A read of a case's notes, which may hold personal data: recorded as such a read is.
NotesLook = Annotated[Look, looking(WORKERS, ACCESS_PURPOSES, ACCESS_PURPOSES_VERSION)]


def decision_router(decision: Decision, access_log: AccessLog) -> APIRouter:
    router = APIRouter(prefix="/v1/cases", tags=["decision"])

    @router.get(
        "/{case_id}",
        summary="A case's state and statutory deadline",
        responses=problem_responses(404),
        dependencies=[requires(*READERS)],
    )
    def show(case_id: UUID) -> dict[str, Any]:
        return case_state(decision.get_case(case_id))

    @router.get(
        "/{case_id}/notes",
        summary="The caseworkers' notes on a case (410 once its applicant was forgotten); the read is "
        "recorded, with who, which role and the stated purpose, in the access log",
        responses=problem_responses(404, 410),
    )
    def notes(
        case_id: UUID,  # notes may say anything: only the caseworkers who write them read them
        look: NotesLook,
    ) -> list[dict[str, Any]]:
        # A note may hold personal data: the read is recorded first, as a read of personal data is.
        access_log.case_inspected(look, case_id, "notes")
        return [
            {"version": note.version, "text": note.text, "erased": note.text is None}
            for note in decision.case_notes(case_id)
        ]

    for model in COMMANDS.values():
        _add_command(router, decision, model)
    return router


def _add_command(router: APIRouter, decision: Decision, model: type[CaseCommand]) -> None:
    def command(
        case_id: UUID,
        body: model,  # type: ignore[valid-type]
        correlation: CorrelationId,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        return case_state(decision.execute(case_id, body, correlation_id=correlation, idempotency_key=key))

    summary = (model.__doc__ or model.resource).strip().splitlines()[0]
    router.add_api_route(
        f"/{{case_id}}/{model.resource}",
        command,
        methods=["POST"],
        summary=summary,
        name=f"decision_{model.resource}",
        responses=problem_responses(400, 404, 409, 422, 503),
        dependencies=[requires(*WORKERS)],
    )
