"""The legacy mimic's rules: which decision event becomes which legacy status code, and the bridge
telling the mimic's writes to a moved case from a caseworker's (only the latter is a conflict)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from backbone.clock import ManualClock
from composition import legacy_cutover
from composition.system import System
from ind.procedures import Procedure
from ind.routing import Route, RoutingTable
from services.legacy_bridge.application.handover import conflicts
from services.legacy_bridge.domain.legacy_codes import STATUS_STAGES
from services.legacy_bridge.domain.mimic import (
    MIMIC,
    CaseMoved,
    CaseReturned,
    StatusWrite,
    mimic_action,
)
from tests.factories import embedded_settings
from tests.legacy_changes import Stream, a_case_row, a_status_row, change

DAY = date(2026, 4, 7)
ON = date(2026, 4, 1)
D = "nl.ind.decision."


@pytest.mark.parametrize(
    ("event", "data", "expected"),
    [
        ("InformationRequested", {"requested_on": date(2026, 4, 3)}, StatusWrite("OPSC", date(2026, 4, 3))),
        ("InformationReceived", {"received_on": date(2026, 4, 5)}, StatusWrite("INBH", date(2026, 4, 5))),
        ("DeadlineExtended", {"months": 6, "days": 0}, StatusWrite("VERL", DAY)),
        (
            "DecisionTaken",
            {"decided_on": date(2026, 4, 6), "outcome": "granted"},
            StatusWrite("BESL", date(2026, 4, 6), decided_on=date(2026, 4, 6)),
        ),
        ("CaseClosed", {"closed_on": DAY, "reason_code": "decided"}, StatusWrite("AFGH", DAY)),
        ("CaseClosed", {"closed_on": DAY, "reason_code": "withdrawn"}, StatusWrite("INTR", DAY)),
    ],
)
def test_each_decision_event_with_a_legacy_code_becomes_that_status_on_its_own_date(
    event: str, data: dict[str, Any], expected: StatusWrite
) -> None:
    assert mimic_action(D + event, data, DAY) == expected


def test_the_status_written_reads_back_as_the_stage_the_backbone_gave_the_case() -> None:
    """The inverse of the bridge's translation, for the stages the legacy code list has."""
    stages = {
        "InformationRequested": ("waiting_on_applicant", {"requested_on": DAY}),
        "InformationReceived": ("in_decision", {"received_on": DAY}),
        "DeadlineExtended": ("in_decision", {}),
        "DecisionTaken": ("decided", {"decided_on": DAY}),
        "CaseClosed": ("closed", {"closed_on": DAY, "reason_code": "decided"}),
    }
    for event, (stage, data) in stages.items():
        write = mimic_action(D + event, data, DAY)
        assert isinstance(write, StatusWrite) and STATUS_STAGES[write.status] == stage, event


@pytest.mark.parametrize(
    "event",
    ["HearingScheduled", "HearingHeld", "IntendedDecisionIssued", "ResponseReceived", "CaseAssigned",
     "DocumentReadyForIssue", "DocumentIssued", "CaseEscalated", "CaseOpened"],
)  # fmt: skip
def test_a_stage_the_legacy_code_list_has_no_code_for_writes_nothing(event: str) -> None:
    assert mimic_action(D + event, {}, DAY) is None


def test_a_takeover_makes_the_case_the_mimics_and_a_return_ends_it() -> None:
    taken = mimic_action(D + "CaseTakenOverFromLegacy", {"zaaknummer": "Z2026-0000001"}, DAY)
    assert taken == CaseMoved("Z2026-0000001")
    assert mimic_action(D + "CaseReturnedToLegacy", {"zaaknummer": "Z2026-0000001"}, DAY) == CaseReturned()


@pytest.fixture
def system(tmp_path: Path) -> Iterator[System]:
    system = System(embedded_settings(tmp_path), clock=ManualClock(datetime(2026, 4, 1, 8, tzinfo=UTC)))
    yield system
    system.close()


ZAAK = "Z2026-GEZIN-00001"
HANDED_OVER = a_case_row(zaaknummer=ZAAK, status="INBH", gewijzigd_op=datetime(2026, 3, 20, 9, 0))


def moved_case(system: System) -> Stream:
    """One in-flight GEZIN case, handed over to the backbone by a cutover."""
    stream = Stream("legacy.public.zaken:p0")
    item = stream.item(change("zaken", "r", after=HANDED_OVER))
    system.legacy_bridge.process([item], Tracking(stream.name, item.position))
    routing = RoutingTable("2026.2", {Procedure.FAMILY: Route(Procedure.FAMILY, ON)})
    legacy_cutover.run(system, system.cutover_ledger, routing, Procedure.FAMILY, ON, batch_size=3)
    return stream


def apply(system: System, stream: Stream, *changes: Any) -> None:
    items = [stream.item(c) for c in changes]
    system.legacy_bridge.process(items, Tracking(stream.name, items[-1].position))


def test_the_mimics_writes_to_a_moved_case_are_no_conflict_and_a_caseworkers_still_are(
    system: System,
) -> None:
    stream = moved_case(system)
    decided = {**HANDED_OVER, "status": "BESL", "datum_besluit": date(2026, 4, 6),
               "gewijzigd_op": datetime(2026, 4, 6, 10), "gewijzigd_door": MIMIC}  # fmt: skip
    history_row = {**a_status_row(91, "BESL", date(2026, 4, 6), ZAAK), "geregistreerd_door": MIMIC}
    apply(system, stream, change("zaken", "u", before=HANDED_OVER, after=decided),
          change("zaak_statussen", "c", after=history_row))  # fmt: skip
    assert conflicts(system.legacy_bridge) == []

    # A caseworker corrects the address of the row the mimic wrote: the trigger clears the marker, and
    # the write changes nothing the backbone knows, so it is no conflict either.
    address = {**decided, "adres": "Kerkstraat 1", "gewijzigd_op": datetime(2026, 4, 8, 9),
               "gewijzigd_door": None}  # fmt: skip
    apply(system, stream, change("zaken", "u", before=decided, after=address))
    assert conflicts(system.legacy_bridge) == []

    # A caseworker closes it in the legacy system, and adds its history row: both conflicts.
    closed = {**address, "status": "AFGH", "gewijzigd_op": datetime(2026, 4, 9, 9)}
    history_row = a_status_row(92, "AFGH", date(2026, 4, 9), ZAAK)
    apply(system, stream, change("zaken", "u", before=address, after=closed),
          change("zaak_statussen", "c", after=history_row))  # fmt: skip
    listed = conflicts(system.legacy_bridge)
    assert [(c.table, c.legacy_status) for c in listed] == [
        ("zaken", "AFGH"),
        ("zaak_statussen", None),
    ]
    assert "stage" in listed[0].changed


def test_a_marker_forged_on_a_delete_does_not_hide_it(system: System) -> None:
    """The mimic deletes nothing: a delete of a moved case's row is a conflict whatever it says."""
    stream = moved_case(system)
    marked = {**HANDED_OVER, "gewijzigd_door": MIMIC}
    apply(system, stream, change("zaken", "d", before=marked))
    [conflict] = conflicts(system.legacy_bridge)
    assert conflict.changed == ["removed"]
