"""Intake's HTTP API: the commands of ``services.intake.application`` as resources under /v1/applications.

No ``from __future__ import annotations`` here: FastAPI reads the command models from the endpoints'
annotations at definition time.
"""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Response

from backbone.access_log import AccessLog, Look
from backbone.errors import NotFound
from backbone.http import CorrelationId, IdempotencyKey
from backbone.http_access import looking
from backbone.http_auth import requires
from backbone.identity.principal import Role
from backbone.problems import problem_responses
from ind.access_purposes import ACCESS_PURPOSES, ACCESS_PURPOSES_VERSION
from services.intake.application import commands
from services.intake.application.intake import Intake
from services.intake.domain.application import Application

COMMAND_PROBLEMS = problem_responses(404, 409, 422, 503)
BODY_PROBLEMS = problem_responses(400, 404, 409, 422, 503)  # 400: a body that is not JSON at all

# resource -> the command a POST to it carries out
CHANGES: dict[str, type[commands.ApplicationCommand]] = {
    "fee-payments": commands.PayFee,
    "defect-notices": commands.NotifyDefect,
    "defect-remedies": commands.RemedyDefect,
    "classifications": commands.ClassifyApplication,
    "withdrawals": commands.WithdrawApplication,
    "non-processing-decisions": commands.StopProcessing,
}


# Intake officers work applications (the intake-batch service account too); decision officers and
# auditors read them; only privacy officers read personal data.
WORKERS = (Role.INTAKE_OFFICER,)
READERS = (Role.INTAKE_OFFICER, Role.DECISION_OFFICER, Role.PRIVACY_OFFICER, Role.AUDITOR)
PERSONAL_DATA_READERS = (Role.PRIVACY_OFFICER,)
# A read of personal data: by whom, under which role, and why (recorded before anything is shown).
PersonalDataLook = Annotated[Look, looking(PERSONAL_DATA_READERS, ACCESS_PURPOSES, ACCESS_PURPOSES_VERSION)]


def application_state(application: Application) -> dict[str, Any]:
    return {
        "application_id": str(application.id),
        "version": application.version,
        "procedure": application.procedure.value,
        "status": application.status.value,
        "received_on": str(application.received_on),
        "statutory_deadline": str(application.statutory_deadline)
        if application.statutory_deadline
        else None,
        "waiting_on_applicant": application.open_defect is not None,
    }


def _applicant_ref(intake: Intake, application_id: UUID) -> str | None:
    try:
        return intake.get_application(application_id).applicant_ref
    except NotFound:
        return None  # the attempt is recorded all the same; the read answers 404


def intake_router(intake: Intake, access_log: AccessLog) -> APIRouter:
    router = APIRouter(prefix="/v1/applications", tags=["intake"])

    @router.post(
        "",
        status_code=201,
        summary="Submit an application (aanvraag)",
        responses={
            201: {
                "headers": {
                    "Location": {"description": "The new application", "schema": {"type": "string"}}
                }
            },
            **problem_responses(400, 409, 422, 503),
        },
        dependencies=[requires(*WORKERS)],
    )
    def submit(
        body: commands.SubmitApplication,
        correlation: CorrelationId,
        response: Response,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        application_id = intake.submit_application(body, correlation_id=correlation, idempotency_key=key)
        response.headers["Location"] = f"{router.prefix}/{application_id}"
        return application_state(intake.get_application(application_id))

    @router.get(
        "/{application_id}",
        summary="An application's state",
        responses=problem_responses(404),
        dependencies=[requires(*READERS)],
    )
    def show(application_id: UUID) -> dict[str, Any]:
        return application_state(intake.get_application(application_id))

    @router.get(
        "/{application_id}/personal-data",
        summary="The applicant's personal data (410 once the applicant was forgotten); the read is "
        "recorded, with who, which role and the stated purpose, in the access log",
        responses=problem_responses(404, 410),
    )
    def personal_data(
        application_id: UUID,
        look: PersonalDataLook,
    ) -> dict[str, Any]:
        # Recorded first: if the look cannot be recorded, nothing is shown.
        access_log.personal_data_read(look, application_id, _applicant_ref(intake, application_id))
        data = intake.personal_data(application_id)
        if data is None:
            raise HTTPException(status_code=404, detail="no personal data was given with this application")
        return data.model_dump(mode="json")

    @router.post(
        "/{application_id}/acceptances",
        summary="Accept the application for a decision",
        responses=COMMAND_PROBLEMS,
        dependencies=[requires(*WORKERS)],
    )
    def accept(
        application_id: UUID, correlation: CorrelationId, key: IdempotencyKey = None
    ) -> dict[str, Any]:
        application = intake.execute(
            application_id, commands.AcceptApplication(), correlation_id=correlation, idempotency_key=key
        )
        return application_state(application)

    for resource, model in CHANGES.items():
        _add_change(router, intake, resource, model)
    return router


def _add_change(
    router: APIRouter, intake: Intake, resource: str, model: type[commands.ApplicationCommand]
) -> None:
    def change(
        application_id: UUID,
        body: model,  # type: ignore[valid-type]
        correlation: CorrelationId,
        key: IdempotencyKey = None,
    ) -> dict[str, Any]:
        application = intake.execute(application_id, body, correlation_id=correlation, idempotency_key=key)
        return application_state(application)

    summary = (model.__doc__ or resource).strip().splitlines()[0]
    router.add_api_route(
        f"/{{application_id}}/{resource}",
        change,
        methods=["POST"],
        summary=summary,
        name=f"intake_{resource}",
        responses=BODY_PROBLEMS,
        dependencies=[requires(*WORKERS)],
    )
