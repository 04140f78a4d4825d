"""The intake service: receives applications, completes, classifies and accepts them.

Every command is validated first (an ``InvalidCommand`` names each field and rule), then the aggregate
decides (a ``DomainRuleViolation`` says why not); either way nothing is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

import structlog

from backbone.errors import InvalidCommand
from backbone.logs import case_context
from backbone.service import CaseService, id_for_key, request_fingerprint
from backbone.validation import Command, MethodCommand, future_dates, parse_command
from services.intake.adapters.personal_data_vault import PersonalDataVault
from services.intake.application.commands import (
    AcceptApplication,
    ClassifyApplication,
    NotifyDefect,
    PayFee,
    RemedyDefect,
    StopProcessing,
    SubmitApplication,
    WithdrawApplication,
)
from services.intake.domain.application import Application
from services.intake.domain.personal_data import PersonalData

log = structlog.get_logger("intake")
C = TypeVar("C", bound=Command)
Input = Mapping[str, Any]


class Intake(CaseService):
    name = "intake"
    aggregate_kind = "application"
    vault: PersonalDataVault | None = None  # set by the composition root

    def personal_data(self, application_id: UUID) -> PersonalData | None:
        return self._vault().read(application_id)

    def forget_applicant(self, applicant_ref: str) -> bool:
        """Destroy the applicant's key: their personal data becomes unreadable; events stay intact."""
        forgotten = self._vault().forget(applicant_ref)
        log.info("applicant_forgotten", applicant_ref=applicant_ref, had_key=forgotten)
        return forgotten

    def _vault(self) -> PersonalDataVault:
        if self.vault is None:
            raise RuntimeError("this Intake has no personal-data vault; build it with build_intake()")
        return self.vault

    def submit_application(
        self,
        data: Input | SubmitApplication,
        *,
        correlation_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        command, now = self._validated(SubmitApplication, data)
        if problems := command.problems():
            raise InvalidCommand("SubmitApplication", problems)
        fingerprint = request_fingerprint(command, "applications")
        if self.already_done(idempotency_key, fingerprint):
            return id_for_key(idempotency_key or "")
        application_id = id_for_key(idempotency_key) if idempotency_key else uuid4()
        correlation_id = correlation_id or str(uuid4())
        with case_context(application_id, correlation_id):
            if command.applicant is not None:
                # First the vault, then the events: a crash in between leaves an unreferenced,
                # encrypted record, never an application whose personal data are missing.
                self._vault().store(command.applicant_ref, application_id, command.applicant)
            application = Application.submit(
                application_id=application_id,
                now=now,
                correlation_id=correlation_id,
                procedure=command.procedure,
                channel=command.channel,
                received_on=command.received_on,
                applicant_ref=command.applicant_ref,
                nationality=command.nationality,
                residence_purpose=command.purpose(),
                sponsor_ref=command.sponsor_ref,
                previous_permit_ends_on=command.previous_permit_ends_on,
                employer_share_percent=command.employer_share_percent,
            )
            self.save_command(idempotency_key, fingerprint, application)
            log.info("application_submitted", procedure=command.procedure.value)
        return application.id

    def execute(
        self,
        application_id: UUID,
        command: MethodCommand | tuple[type[MethodCommand], Input],
        *,
        correlation_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Application:
        """Carry out one command on an application; ``command`` is a model or (model type, fields).

        With an idempotency key, a repeated request records nothing and returns the application as is.
        """
        command_type = command[0] if isinstance(command, tuple) else type(command)
        validated, now = self._validated(
            command_type, command[1] if isinstance(command, tuple) else command
        )
        fingerprint = request_fingerprint(validated, str(application_id))
        if self.already_done(idempotency_key, fingerprint):
            return self.get_application(application_id)
        correlation_id = correlation_id or str(uuid4())
        with case_context(application_id, correlation_id):
            application = self.get_application(application_id)
            getattr(application, validated.method)(
                **validated.arguments(), now=now, correlation_id=correlation_id
            )
            self.save_command(idempotency_key, fingerprint, application)
            log.info("application_command_done", command=command_type.__name__, version=application.version)
        return application

    def pay_fee(self, application_id: UUID, data: Input | PayFee, **options: Any) -> None:
        self.execute(application_id, _command(PayFee, data), **options)

    def notify_defect(self, application_id: UUID, data: Input | NotifyDefect, **options: Any) -> None:
        self.execute(application_id, _command(NotifyDefect, data), **options)

    def remedy_defect(self, application_id: UUID, data: Input | RemedyDefect, **options: Any) -> None:
        self.execute(application_id, _command(RemedyDefect, data), **options)

    def classify_application(
        self, application_id: UUID, data: Input | ClassifyApplication, **options: Any
    ) -> None:
        self.execute(application_id, _command(ClassifyApplication, data), **options)

    def withdraw_application(
        self, application_id: UUID, data: Input | WithdrawApplication, **options: Any
    ) -> None:
        self.execute(application_id, _command(WithdrawApplication, data), **options)

    def stop_processing(self, application_id: UUID, data: Input | StopProcessing, **options: Any) -> None:
        self.execute(application_id, _command(StopProcessing, data), **options)

    def accept_application(self, application_id: UUID, **options: Any) -> None:
        application = self.execute(application_id, AcceptApplication(), **options)
        log.info("application_accepted", statutory_deadline=str(application.statutory_deadline))

    def get_application(self, application_id: UUID) -> Application:
        application: Application = self.load(application_id)
        return application

    def _validated(self, command_type: type[C], data: Input | C) -> tuple[C, datetime]:
        if isinstance(data, command_type):
            command = data
        else:
            assert not isinstance(data, Command)
            command = parse_command(command_type, data)
        now = self.clock.now()
        if future := future_dates(command, now.date()):
            raise InvalidCommand(command_type.__name__, future)
        return command, now


def _command(
    command_type: type[MethodCommand], data: Input | MethodCommand
) -> tuple[type[MethodCommand], Input] | MethodCommand:
    return data if isinstance(data, MethodCommand) else (command_type, data)
