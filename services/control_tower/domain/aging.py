"""Aging of open cases and documents waiting to be issued. Pure; no I/O."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

AGE_BANDS = (
    (30, "under_30_days"),
    (90, "30_to_89_days"),
    (180, "90_to_179_days"),
    (365, "180_to_364_days"),
)
OLDEST = "a_year_or_more"


class AgingFacts(Protocol):
    @property
    def case_id(self) -> str: ...
    @property
    def procedure(self) -> str | None: ...
    @property
    def received_on(self) -> date | None: ...
    @property
    def suspended_since(self) -> date | None: ...
    @property
    def document_channel(self) -> str | None: ...
    @property
    def document_ready_on(self) -> date | None: ...


def age_band(days: int) -> str:
    for limit, name in AGE_BANDS:
        if days < limit:
            return name
    return OLDEST


@dataclass(frozen=True)
class Aging:
    bands: dict[str, int]
    waiting_on_applicant: int
    longest_waiting: list[tuple[str, str, int]]  # (case id, procedure, days since receipt)


def aging(facts: Sequence[AgingFacts], today: date, *, longest: int = 10) -> Aging:
    ages = [
        (f.case_id, f.procedure or "unknown", (today - f.received_on).days) for f in facts if f.received_on
    ]
    bands = Counter(age_band(days) for _, _, days in ages)
    return Aging(
        bands={name: bands.get(name, 0) for name in [*(n for _, n in AGE_BANDS), OLDEST]},
        waiting_on_applicant=sum(1 for f in facts if f.suspended_since is not None),
        longest_waiting=sorted(ages, key=lambda a: (-a[2], a[0]))[:longest],  # ties by case id
    )


@dataclass(frozen=True)
class WaitingDocuments:
    channel: str
    waiting: int
    oldest_days: int
    mean_days: float


def waiting_documents(facts: Sequence[AgingFacts], today: date) -> list[WaitingDocuments]:
    by_channel: dict[str, list[int]] = {}
    for fact in facts:
        if fact.document_ready_on is not None and fact.document_channel is not None:
            by_channel.setdefault(fact.document_channel, []).append((today - fact.document_ready_on).days)
    return [
        WaitingDocuments(channel, len(days), max(days), round(sum(days) / len(days), 1))
        for channel, days in sorted(by_channel.items())
    ]
