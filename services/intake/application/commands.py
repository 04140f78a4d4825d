"""Intake's commands, validated at the boundary. A rejected command records nothing."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backbone.procedures import Procedure
from services.intake.domain.events import Channel

APPLICANT_REF_PATTERN = r"^P-[0-9a-f]{16}$"


class SubmitApplication(BaseModel):
    """Receive an application. The applicant is named only by a pseudonymous reference."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    procedure: Procedure
    channel: Channel
    received_on: date
    applicant_ref: str = Field(
        pattern=APPLICANT_REF_PATTERN,
        description="Pseudonymous applicant reference: P- and 16 lowercase hex digits.",
    )
    nationality: str = Field(
        pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 country code, e.g. SYR."
    )

    @field_validator("procedure")
    @classmethod
    def _an_application_procedure(cls, procedure: Procedure) -> Procedure:
        if procedure is Procedure.OBJECTION:
            raise ValueError("an objection (bezwaar) is filed against a decision, not submitted to intake")
        return procedure


class PayFee(BaseModel):
    """Record the payment of the application fee (leges)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    paid_on: date
    amount_cents: int = Field(gt=0, description="Euro cents paid.")
