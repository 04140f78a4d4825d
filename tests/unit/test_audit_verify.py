"""``backbone audit verify`` on the embedded stores: a simulated IND verifies; an event removed, moved to
another case, or cut short is found, named by its case and version. (With one copy, an event changed
into another valid record is not detectable here: distributed mode compares the store with the topic,
tests/e2e/test_distributed_simulation.py.)"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from backbone.codec import AvroCodec
from backbone.schemas import SchemaCatalog
from services.audit.chains import CaseChains, Findings
from services.audit.verify import verify
from tests.factories import copy_of, embedded_settings


def test_a_simulated_ind_verifies(simulated_ind: Path, tmp_path: Path) -> None:
    report = verify(embedded_settings(copy_of(simulated_ind, tmp_path)), AvroCodec(SchemaCatalog.load()))
    assert report.verified and report.events > 300
    assert report.as_json()["cases"] == sum(s.cases for s in report.services) > 100


def test_verify_reports_its_progress_per_service(simulated_ind: Path, tmp_path: Path) -> None:
    phases: dict[str, list[tuple[int, int]]] = {}

    def progress_for(label: str, unit: str) -> Callable[[int, int], None]:
        steps = phases.setdefault(f"{label} ({unit})", [])
        return lambda done, total: steps.append((done, total))

    report = verify(
        embedded_settings(copy_of(simulated_ind, tmp_path)), AvroCodec(SchemaCatalog.load()), progress_for
    )
    assert list(phases) == [
        "verifying intake's store (notifications)",
        "verifying decision's store (notifications)",
    ]  # embedded: no topic to compare with
    for steps, service in zip(phases.values(), report.services, strict=True):
        assert steps[-1] == (service.verified_up_to, service.verified_up_to)


def _second_event(connection: sqlite3.Connection) -> tuple[str, int]:
    row = connection.execute(
        "SELECT originator_id, originator_version FROM stored_events WHERE originator_version = 2 "
        "ORDER BY rowid LIMIT 1"
    ).fetchone()
    return row[0], row[1]


def _remove(c: sqlite3.Connection, case: str) -> None:
    c.execute("DELETE FROM stored_events WHERE originator_id = ? AND originator_version = 2", (case,))


def _cut_short(c: sqlite3.Connection, case: str) -> None:
    c.execute(
        "UPDATE stored_events SET state = substr(state, 1, length(state) - 3) "
        "WHERE originator_id = ? AND originator_version = 2",
        (case,),
    )


def _move(c: sqlite3.Connection, case: str) -> None:  # re-filed as the next version of another case
    other, last = c.execute(
        "SELECT originator_id, max(originator_version) FROM stored_events WHERE originator_id != ? "
        "GROUP BY originator_id LIMIT 1",
        (case,),
    ).fetchone()
    c.execute(
        "UPDATE stored_events SET originator_id = ?, originator_version = ? "
        "WHERE originator_id = ? AND originator_version = 2",
        (other, last + 1, case),
    )


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (_remove, "version 2 is missing"),
        (_cut_short, "the body does not decode"),
        (_move, "the event says it is case"),
    ],
)
def test_tampering_is_found_and_named(
    simulated_ind: Path, tmp_path: Path, tamper: Callable[[sqlite3.Connection, str], None], problem: str
) -> None:
    data = copy_of(simulated_ind, tmp_path)
    with closing(sqlite3.connect(data / "decision.sqlite")) as connection, connection:
        case, _ = _second_event(connection)
        tamper(connection, case)
    report = verify(embedded_settings(data), AvroCodec(SchemaCatalog.load()))
    assert not report.verified
    assert any(problem in f.problem for f in report.findings.listed), report.findings.listed
    assert any(f.where == "decision store" for f in report.findings.listed)


def test_chains_tell_a_republished_event_from_a_changed_one() -> None:
    findings = Findings()
    store, topic = CaseChains("s", findings), CaseChains("t", findings, republishes=True)
    for chains in (store, topic):
        chains.add("c", 1, b"one")
        chains.add("c", 2, b"two")
    topic.add("c", 2, b"two")  # a relay's republished batch
    assert store.digests == topic.digests and topic.repeated == 1 and findings.count == 0
    topic.add("c", 4, b"four")
    assert findings.listed[0].problem == "version 3 is missing"
    store.add("c", 1, b"one")  # a store never holds a version twice
    assert findings.listed[1].problem == "version 1 comes again after version 2"
