"""The access log answers "who looked?" from its newest end: the latest looks, oldest first, filtered
by case or applicant, whatever page of the log they are on."""

from __future__ import annotations

import uuid

from backbone.access_log import AccessLog, Accessor, Look
from tests.factories import clock, codec

AUDITOR = Accessor(subject_id="sub-1", username="anton.auditor", role="auditor", channel="api")
PRIVACY = Accessor(subject_id="sub-2", username="priya.privacy", role="privacy-officer", channel="api")


def by(accessor: Accessor, correlation_id: str, purpose: str = "objection") -> Look:
    return Look(accessor, purpose, "2026.1", correlation_id)


def a_log() -> AccessLog:
    return AccessLog(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, codec=codec(), clock=clock())


def test_the_latest_looks_come_oldest_first_across_pages_of_the_log() -> None:
    log = a_log()
    cases = [uuid.uuid4() for _ in range(3)]
    for n in range(1203):  # more than two pages of 500
        log.case_inspected(by(AUDITOR, f"look-{n}"), cases[n % 3], "history")

    latest = log.entries(limit=4)
    assert [e.correlation_id for e in latest] == ["look-1199", "look-1200", "look-1201", "look-1202"]
    assert [e.position for e in latest] == sorted(e.position for e in latest)

    of_first = log.entries(case_id=cases[0], limit=3)
    assert [e.correlation_id for e in of_first] == ["look-1194", "look-1197", "look-1200"]
    assert len(log.entries(case_id=cases[1], limit=10_000)) == 401  # the whole log, every page
    assert log.entries(case_id=uuid.uuid4()) == []


def test_an_applicants_reads_are_found_by_their_reference() -> None:
    log = a_log()
    application = uuid.uuid4()
    log.personal_data_read(by(PRIVACY, "read-1"), application, "P-00000000000000a1")
    log.case_inspected(by(AUDITOR, "look-1"), application, "history")
    log.personal_data_read(by(PRIVACY, "read-2"), uuid.uuid4(), "P-00000000000000b2")

    (read,) = log.entries(applicant_ref="P-00000000000000a1")
    assert read.kind == "personal_data_read" and read.case_id == str(application)
    assert [e.kind for e in log.entries(case_id=application)] == ["personal_data_read", "case_inspected"]
    assert log.entries() == log.entries(limit=3)
