"""Intake's commands, validated at the boundary: each broken rule is named with its field, and a
rejected command records nothing."""

from __future__ import annotations

from datetime import date

from pydantic import Field, field_validator

from backbone.errors import FieldProblem
from backbone.validation import Command, MethodCommand
from ind.procedures import Procedure
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

    def dated_fields(self) -> dict[str, date]:
        return {"received_on": self.received_on}

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


class AcceptApplication(MethodCommand):
    """Accept the application for a decision; the statutory deadline is fixed then."""

    method = "accept"


class PayFee(MethodCommand):
    """Record the payment of the application fee (leges)."""

    method, dated = "pay_fee", ("paid_on",)
    paid_on: date
    amount_cents: int = Field(gt=0, description="Euro cents paid.")


class NotifyDefect(MethodCommand):
    """Ask the applicant to complete the application (herstel verzuim); suspends the clock."""

    method, dated = "notify_defect", ("notified_on",)
    notified_on: date
    remedy_by: date
    missing: list[str] = Field(min_length=1, description="Codes of what is missing.")


class RemedyDefect(MethodCommand):
    method, dated = "remedy_defect", ("remedied_on",)
    remedied_on: date


class ClassifyApplication(MethodCommand):
    method = "classify"
    track: AsylumTrack | None = Field(
        default=None, description="Asylum only: dublin, safe_country, general."
    )
    target_group: str | None = Field(default=None, max_length=64)
    complexity: Complexity


class WithdrawApplication(MethodCommand):
    method, dated = "withdraw", ("withdrawn_on",)
    withdrawn_on: date


class StopProcessing(MethodCommand):
    """Decide not to process the application: its defect was not remedied in time."""

    method, dated = "stop_processing", ("decided_on",)
    decided_on: date
