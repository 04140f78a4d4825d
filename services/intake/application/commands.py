"""Intake's commands, validated at the boundary: each broken rule is named with its field, and a
rejected command records nothing. ``handlers.py`` says what each does to an application; an action name
(as the CLI and the simulator give it) and its fields are parsed into a command here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import Field, field_validator

from backbone.errors import FieldProblem
from backbone.validation import Command, parse_action, parse_command
from ind.procedures import Procedure
from ind.statutory.catalogue import IND_CATALOGUE
from services.intake.application.code_fields import MissingItem, TargetGroup
from services.intake.domain.personal_data import PersonalData
from services.intake.domain.vocabulary import (
    PURPOSE_OF_PROCEDURE,
    AsylumTrack,
    Channel,
    Complexity,
    ResidencePurpose,
)

APPLICANT_REF_PATTERN = r"^P-[0-9a-f]{16}$"
SPONSOR_REF_PATTERN = r"^[PR]-[0-9a-f]{16}$"


class SubmitApplication(Command):
    """Receive an application. The applicant is named only by a pseudonymous reference."""

    first_day = IND_CATALOGUE.first_day  # the statutory clock of an earlier day has no policy

    dated = ("received_on",)
    procedure: Procedure
    channel: Channel
    received_on: date
    applicant_ref: str = Field(
        pattern=APPLICANT_REF_PATTERN,
        description="Pseudonymous applicant reference: P- and 16 lowercase hex digits.",
    )
    nationality: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code, e.g. SYR.")
    residence_purpose: ResidencePurpose | None = Field(
        default=None, description="Needed for renewal and change of purpose; else follows the procedure."
    )
    sponsor_ref: str | None = Field(default=None, pattern=SPONSOR_REF_PATTERN)
    previous_permit_ends_on: date | None = Field(default=None, description="Renewals only.")
    employer_share_percent: int | None = Field(
        default=None, ge=0, le=100, description="Highly skilled migrants only."
    )
    applicant: PersonalData | None = Field(
        default=None,
        description="Personal data: kept only in intake's store, encrypted with the applicant's own key.",
    )

    @field_validator("procedure")
    @classmethod
    def _an_application_procedure(cls, procedure: Procedure) -> Procedure:
        if procedure is Procedure.OBJECTION:
            raise ValueError("an objection (bezwaar) is filed against a decision, not submitted to intake")
        return procedure

    def purpose(self) -> ResidencePurpose | None:
        return self.residence_purpose or PURPOSE_OF_PROCEDURE.get(self.procedure)

    def problems(self) -> list[FieldProblem]:
        """The rules that tie fields together."""
        problems = []
        if self.procedure is Procedure.RENEWAL and self.previous_permit_ends_on is None:
            problems.append(
                FieldProblem(
                    "previous_permit_ends_on",
                    "required_for_renewal",
                    "a renewal names the day the previous permit ends",
                )
            )
        if self.procedure is not Procedure.RENEWAL and self.previous_permit_ends_on is not None:
            problems.append(
                FieldProblem(
                    "previous_permit_ends_on", "renewal_only", "only a renewal has a previous permit"
                )
            )
        if (
            self.procedure in (Procedure.RENEWAL, Procedure.CHANGE_OF_PURPOSE)
            and self.residence_purpose is None
        ):
            problems.append(
                FieldProblem(
                    "residence_purpose", "required", f"a {self.procedure.value} names the residence purpose"
                )
            )
        if self.procedure is Procedure.NATURALISATION and self.residence_purpose is not None:
            problems.append(
                FieldProblem(
                    "residence_purpose",
                    "not_for_naturalisation",
                    "naturalisation is not a residence purpose",
                )
            )
        if (
            self.employer_share_percent is not None
            and self.procedure is not Procedure.HIGHLY_SKILLED_MIGRANT
        ):
            problems.append(
                FieldProblem(
                    "employer_share_percent",
                    "highly_skilled_migrant_only",
                    "only a highly skilled migrant declares a share in the employer",
                )
            )
        return problems


class ApplicationCommand(Command):
    """A command on an application intake has received."""

    first_day = IND_CATALOGUE.first_day


class AcceptApplication(ApplicationCommand):
    """Accept the application for a decision; the statutory deadline is fixed then."""


class PayFee(ApplicationCommand):
    """Record the payment of the application fee (leges)."""

    dated = ("paid_on",)
    paid_on: date
    amount_cents: int = Field(gt=0, description="Euro cents paid.")


class NotifyDefect(ApplicationCommand):
    """Ask the applicant to complete the application (herstel verzuim); suspends the clock."""

    dated = ("notified_on",)
    notified_on: date
    remedy_by: date
    missing: list[MissingItem] = Field(min_length=1, description="Codes of what is missing.")


class RemedyDefect(ApplicationCommand):
    """The applicant completed the application; the statutory clock runs again."""

    dated = ("remedied_on",)
    remedied_on: date


class ClassifyApplication(ApplicationCommand):
    """Classify the application: its asylum track and its complexity."""

    track: AsylumTrack | None = Field(
        default=None, description="Asylum only: dublin, safe_country, general."
    )
    target_group: TargetGroup | None = None
    complexity: Complexity


class WithdrawApplication(ApplicationCommand):
    """The applicant withdrew the application."""

    dated = ("withdrawn_on",)
    withdrawn_on: date


class StopProcessing(ApplicationCommand):
    """Decide not to process the application: its defect was not remedied in time."""

    dated = ("decided_on",)
    decided_on: date


# action -> command, as the CLI names them
COMMANDS: dict[str, type[ApplicationCommand]] = {
    "pay-fee": PayFee,
    "notify-defect": NotifyDefect,
    "remedy-defect": RemedyDefect,
    "classify": ClassifyApplication,
    "withdraw": WithdrawApplication,
    "stop-processing": StopProcessing,
    "accept": AcceptApplication,
}


def parse_application_command(action: str, fields: Mapping[str, Any]) -> ApplicationCommand:
    """The command an action and its fields make; an ``InvalidCommand`` names each field and rule broken."""
    return parse_action(COMMANDS, action, fields)


def parse_submission(fields: Mapping[str, Any]) -> SubmitApplication:
    """The application its fields make; an ``InvalidCommand`` names each field and rule broken."""
    return parse_command(SubmitApplication, fields)
