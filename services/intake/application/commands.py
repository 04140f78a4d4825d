"""Intake's commands, validated at the boundary. A rejected command records nothing."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

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
