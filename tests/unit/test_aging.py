from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.control_tower.domain.aging import age_band, aging, waiting_documents

TODAY = date(2026, 11, 2)


@dataclass(frozen=True)
class Facts:
    case_id: str
    procedure: str | None = "family"
    received_on: date | None = None
    suspended_since: date | None = None
    document_channel: str | None = None
    document_ready_on: date | None = None


def test_age_bands() -> None:
    assert [age_band(d) for d in (0, 29, 30, 89, 90, 179, 180, 364, 365)] == [
        "under_30_days",
        "under_30_days",
        "30_to_89_days",
        "30_to_89_days",
        "90_to_179_days",
        "90_to_179_days",
        "180_to_364_days",
        "180_to_364_days",
        "a_year_or_more",
    ]


def test_aging_counts_bands_the_longest_waiting_and_those_waiting_on_the_applicant() -> None:
    facts = [
        Facts("a", received_on=TODAY - timedelta(days=400)),
        Facts("b", received_on=TODAY - timedelta(days=10), suspended_since=TODAY - timedelta(days=2)),
        Facts("c", received_on=TODAY - timedelta(days=100)),
    ]
    result = aging(facts, TODAY, longest=2)
    assert result.bands["a_year_or_more"] == 1 and result.bands["under_30_days"] == 1
    assert result.waiting_on_applicant == 1
    assert result.longest_waiting == [("a", "family", 400), ("c", "family", 100)]


def test_documents_waiting_per_channel_with_their_age() -> None:
    facts = [
        Facts("a", document_channel="desk", document_ready_on=TODAY - timedelta(days=3)),
        Facts("b", document_channel="desk", document_ready_on=TODAY - timedelta(days=9)),
        Facts("c", document_channel="courier", document_ready_on=TODAY),
    ]
    (courier, desk) = waiting_documents(facts, TODAY)
    assert (courier.channel, courier.waiting, courier.oldest_days) == ("courier", 1, 0)
    assert (desk.channel, desk.waiting, desk.oldest_days, desk.mean_days) == ("desk", 2, 9, 6.0)
