"""The intake service: receives applications and accepts them for a decision."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID, uuid4

import structlog

from backbone.errors import FieldProblem, InvalidCommand
from backbone.logs import case_context
from backbone.service import CaseService
from backbone.validation import parse_command
from services.intake.application.commands import PayFee, SubmitApplication
from services.intake.domain.application import Application

log = structlog.get_logger("intake")


class Intake(CaseService):
    name = "intake"

    def submit_application(
        self, data: Mapping[str, Any] | SubmitApplication, *, correlation_id: str | None = None
    ) -> UUID:
        command = data if isinstance(data, SubmitApplication) else parse_command(SubmitApplication, data)
        now = self.clock.now()
        if command.received_on > now.date():
            raise InvalidCommand(
                "SubmitApplication",
                [FieldProblem("received_on", "not_in_future", f"{command.received_on} is after today")],
            )
        application_id, correlation_id = uuid4(), correlation_id or str(uuid4())
        with case_context(application_id, correlation_id):
            application = Application.submit(
                application_id=application_id,
                procedure=command.procedure,
                channel=command.channel,
                received_on=command.received_on,
                applicant_ref=command.applicant_ref,
                nationality=command.nationality,
                now=now,
                correlation_id=correlation_id,
            )
            self.save(application)
            log.info("application_submitted", procedure=command.procedure.value)
        return application.id

    def pay_fee(
        self,
        application_id: UUID,
        data: Mapping[str, Any] | PayFee,
        *,
        correlation_id: str | None = None,
    ) -> None:
        command = data if isinstance(data, PayFee) else parse_command(PayFee, data)
        now = self.clock.now()
        if command.paid_on > now.date():
            raise InvalidCommand(
                "PayFee", [FieldProblem("paid_on", "not_in_future", f"{command.paid_on} is after today")]
            )
        correlation_id = correlation_id or str(uuid4())
        with case_context(application_id, correlation_id):
            application: Application = self.repository.get(application_id)
            application.pay_fee(
                paid_on=command.paid_on,
                amount_cents=command.amount_cents,
                now=now,
                correlation_id=correlation_id,
            )
            self.save(application)
            log.info("fee_paid", paid_on=str(command.paid_on))

    def accept_application(self, application_id: UUID, *, correlation_id: str | None = None) -> None:
        correlation_id = correlation_id or str(uuid4())
        with case_context(application_id, correlation_id):
            application: Application = self.repository.get(application_id)
            application.accept(now=self.clock.now(), correlation_id=correlation_id)
            self.save(application)
            log.info("application_accepted", statutory_deadline=str(application.statutory_deadline))

    def get_application(self, application_id: UUID) -> Application:
        application: Application = self.repository.get(application_id)
        return application
