"""A caseworker's note on a case: their own words beside a code, for the case file only. A note never
goes on the bus; decision keeps it encrypted under the applicant's key (``adapters/case_notes.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from backbone.errors import DomainRuleViolation


class NotesErased(DomainRuleViolation):
    """The applicant was forgotten: the case's notes can no longer be read."""

    http_status = 410


@dataclass(frozen=True)
class CaseNote:
    version: int  # the case's version when the note was written: the event it goes with
    text: str | None  # None: sealed under a key since destroyed
