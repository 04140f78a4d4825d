"""Personal data of an applicant. It never leaves intake's store, and there only encrypted with a key of
the applicant's own (see ``adapters/personal_data_vault.py``). Events carry the pseudonymous reference."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backbone.errors import DomainRuleViolation
from backbone.validation import LAST_DAY, iso_day, within


class PersonalDataErased(DomainRuleViolation):
    """The applicant's key was destroyed: their personal data can no longer be read."""

    http_status = 410


class PersonalData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    family_name: str = Field(min_length=1, max_length=200)
    given_names: str = Field(default="", max_length=200)
    date_of_birth: date
    bsn: str | None = Field(default=None, pattern=r"^[0-9]{9}$", description="Burgerservicenummer.")
    v_number: str | None = Field(default=None, pattern=r"^[0-9]{10}$", description="Vreemdelingennummer.")
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = Field(default=None, max_length=32, pattern=r"^\+?[0-9 ()-]{6,}$")

    @field_validator("date_of_birth", mode="before")
    @classmethod
    def _an_iso_day(cls, value: object) -> object:
        return iso_day(value)

    @field_validator("date_of_birth")
    @classmethod
    def _born_in_living_memory(cls, born: date) -> date:
        return within(born, date(1900, 1, 1), LAST_DAY)

    @field_validator("bsn")
    @classmethod
    def _eleven_test(cls, bsn: str | None) -> str | None:
        """A BSN passes the 11-test: 9a + 8b + ... + 2h - i is a multiple of 11."""
        if bsn is not None:
            digits = [int(d) for d in bsn]
            total = sum(w * d for w, d in zip(range(9, 1, -1), digits[:8], strict=True)) - digits[8]
            if total % 11 != 0:
                raise ValueError("not a valid BSN: it fails the 11-test")
        return bsn

    def values(self) -> list[str]:
        """Every personal value, as text: what must never show up outside intake's store."""
        return [str(v) for v in self.model_dump(mode="json").values() if v not in (None, "")]
