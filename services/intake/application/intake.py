"""The intake service: receives applications, completes, classifies and accepts them.

Every command is validated first (an ``InvalidCommand`` names each field and rule), then the aggregate
decides (a ``DomainRuleViolation`` says why not); either way nothing is recorded.
"""

from __future__ import annotations

from uuid import UUID, uuid4

import structlog

from backbone.errors import InvalidCommand
from backbone.events import Cause
from backbone.logs import case_context
from backbone.service import CaseService, id_for_key, request_fingerprint
from backbone.validation import refuse_future_days
from ind.routing import GREENFIELD, RoutingTable
from services.intake.adapters.personal_data_vault import PersonalDataVault
from services.intake.application.commands import ApplicationCommand, SubmitApplication
from services.intake.application.handlers import COMMAND_HANDLERS
from services.intake.domain.application import Application
from services.intake.domain.personal_data import PersonalData
from services.intake.domain.routing import refuse_unless_the_backbone_owns

log = structlog.get_logger("intake")


class Intake(CaseService):
    name = "intake"
    aggregate_kind = "application"
    vault: PersonalDataVault | None = None  # set by the composition root
    routing: RoutingTable = GREENFIELD  # which procedures are ours (from the settings' routing file)

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
        command: SubmitApplication,
        *,
        correlation_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        now = self.clock.now()
        refuse_future_days(command, now.date())
        if problems := command.problems():
            raise InvalidCommand("SubmitApplication", problems)
        refuse_unless_the_backbone_owns(self.routing, command.procedure, command.received_on)
        fingerprint = request_fingerprint(command, "applications")
        if self.already_done(idempotency_key, fingerprint):
            return id_for_key(idempotency_key or "")
        application_id = id_for_key(idempotency_key) if idempotency_key else uuid4()
        cause = Cause(now, correlation_id or str(uuid4()))
        with case_context(application_id, cause.correlation_id):
            if command.applicant is not None:
                # First the vault, then the events: a crash in between leaves an unreferenced,
                # encrypted record, never an application whose personal data are missing.
                self._vault().store(command.applicant_ref, application_id, command.applicant)
            application = Application.submit(
                application_id=application_id,
                cause=cause,
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
        command: ApplicationCommand,
        *,
        correlation_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> Application:
        """Carry out one command on an application, with the handler the table lists for it.

        With an idempotency key, a repeated request records nothing and returns the application as is.
        """
        handle = COMMAND_HANDLERS[type(command)]
        now = self.clock.now()
        refuse_future_days(command, now.date())
        fingerprint = request_fingerprint(command, str(application_id))
        if self.already_done(idempotency_key, fingerprint):
            return self.get_application(application_id)
        cause = Cause(now, correlation_id or str(uuid4()))
        with case_context(application_id, cause.correlation_id):
            application = self.get_application(application_id)
            handle(application, command, cause)
            self.save_command(idempotency_key, fingerprint, application)
            log.info(
                "application_command_done", command=type(command).__name__, version=application.version
            )
        return application

    def get_application(self, application_id: UUID) -> Application:
        application: Application = self.load(application_id)
        return application
