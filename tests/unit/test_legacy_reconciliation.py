"""Reconciliation of the legacy tables with the tower, on hand-built rows: the pure comparison
(``services/control_tower/domain/reconciliation.py``) and the legacy tables translated by the bridge's
own rules (``services/legacy_bridge/domain/legacy_tables.py``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from backbone.pseudonyms import normalised_bsn
from services.control_tower.application.reconciliation_view import reconciliation_document
from services.control_tower.domain.reconciliation import (
    LegacyCase,
    RefusedRow,
    ShownCase,
    deadline_on,
    reconcile,
)
from services.legacy_bridge.domain.legacy_tables import translate_tables
from tests.legacy_changes import a_case_row, a_status_row

AT = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
TODAY = AT.date()
DEADLINE = date(2026, 6, 1)


def legacy(case_id: str, stage: str = "in_decision", deadline: date | None = DEADLINE) -> LegacyCase:
    return LegacyCase(case_id, f"Z-{case_id}", "family", stage, deadline)


def shown(
    case_id: str,
    stage: str = "in_decision",
    deadline: date | None = DEADLINE,
    system: str = "legacy",
    procedure: str = "family",
    suspended_since: date | None = None,
) -> ShownCase:
    return ShownCase(case_id, system, procedure, stage, deadline, suspended_since)


def refused(case_id: str, case_row: bool = True) -> RefusedRow:
    table = "zaken" if case_row else "zaak_statussen"
    return RefusedRow(case_id, f"Z-{case_id}", "family", table, "status", "unknown_status", case_row)


def reasons(*args: object, **kwargs: object) -> list[tuple[str, str]]:
    result = reconcile(*args, at=AT, today=TODAY, **kwargs)  # type: ignore[arg-type]
    return [(d.case_id, d.reason) for d in result.differences]


def test_cases_alike_on_both_sides_reconcile_to_no_difference() -> None:
    result = reconcile([legacy("a"), legacy("b")], [], [shown("a"), shown("b")], at=AT, today=TODAY)
    assert result.differences == [] and result.compared == 2
    assert [(c.stage, c.legacy, c.tower) for c in result.counts] == [("in_decision", 2, 2)]


def test_a_legacy_case_the_tower_does_not_show_is_missing_in_the_tower() -> None:
    assert reasons([legacy("a")], [], []) == [("a", "missing_in_tower")]


def test_a_legacy_case_the_tower_shows_but_the_tables_no_longer_hold_is_missing_in_legacy() -> None:
    assert reasons([], [], [shown("a")]) == [("a", "missing_in_legacy")]


def test_a_backbone_case_of_its_own_is_not_expected_in_the_legacy_tables() -> None:
    assert reasons([], [], [shown("new", system="backbone")]) == []


def test_stage_and_deadline_are_compared_case_by_case() -> None:
    result = reconcile(
        [legacy("a"), legacy("b")],
        [],
        [shown("a", stage="decided"), shown("b", deadline=date(2026, 6, 2))],
        at=AT,
        today=TODAY,
    )
    found = [(d.case_id, d.reason, d.legacy, d.tower) for d in result.differences]
    assert found == [
        ("b", "deadline_differs", "2026-06-01", "2026-06-02"),
        ("a", "stage_differs", "in_decision", "decided"),
    ]
    assert [(c.stage, c.legacy, c.tower) for c in result.counts] == [
        ("decided", 0, 1),
        ("in_decision", 2, 1),
    ]


def test_an_open_suspension_moves_the_towers_deadline_as_the_views_show_it() -> None:
    suspended = shown("a", stage="waiting_on_applicant", suspended_since=date(2026, 3, 10))
    moved = legacy("a", stage="waiting_on_applicant", deadline=date(2026, 6, 11))
    assert reasons([moved], [], [suspended]) == []
    assert deadline_on(DEADLINE, date(2026, 3, 10), TODAY) == date(2026, 6, 11)


def test_a_case_taken_over_by_the_backbone_is_compared_with_the_backbone_case_of_the_same_id() -> None:
    assert reasons([legacy("a")], [], [shown("a", system="backbone")]) == []
    moved_on = shown("a", system="backbone", stage="decided")
    assert reasons([legacy("a")], [], [moved_on]) == [("a", "stage_differs")]


def test_a_moved_case_in_a_stage_the_legacy_has_no_code_for_is_compared_as_the_legacy_can_say_it() -> None:
    """The mimic writes no code for a hearing, an intended decision or a document awaiting issue: the
    row keeps the one before, which is no difference; another one is."""
    at_hearing = shown("a", system="backbone", stage="hearing")
    assert reasons([legacy("a", stage="in_decision")], [], [at_hearing]) == []
    assert reasons([legacy("a", stage="decided")], [], [at_hearing]) == [("a", "stage_differs")]
    awaiting = shown("a", system="backbone", stage="awaiting_issue")
    assert reasons([legacy("a", stage="decided")], [], [awaiting]) == []
    # a legacy case the tower shows at a hearing is a difference: the legacy system has no hearings
    assert reasons([legacy("a")], [], [shown("a", stage="hearing")]) == [("a", "stage_differs")]


def test_a_refused_case_row_is_an_explained_difference_and_not_also_missing() -> None:
    result = reconcile([], [refused("a")], [shown("a")], at=AT, today=TODAY)
    (difference,) = result.differences
    assert difference.reason == "not_translated" and difference.explained
    assert difference.legacy == "zaken.status: unknown_status"
    assert result.unexplained == []


def test_a_refused_history_row_is_listed_and_its_case_still_compared() -> None:
    found = reasons([legacy("a")], [refused("a", case_row=False)], [shown("a", stage="closed")])
    assert sorted(found) == [("a", "not_translated"), ("a", "stage_differs")]


def test_a_procedure_filter_keeps_one_procedure_on_both_sides() -> None:
    other = LegacyCase("b", "Z-b", "asylum", "accepted", DEADLINE)
    result = reconcile(
        [legacy("a"), other],
        [],
        [shown("a"), shown("c", procedure="asylum")],
        at=AT,
        today=TODAY,
        procedure="family",
    )
    assert result.differences == [] and result.compared == 1


def test_the_document_counts_every_reason_and_lists_up_to_the_limit() -> None:
    result = reconcile([legacy("a"), legacy("b")], [], [], at=AT, today=TODAY)
    document = reconciliation_document(result, limit=1)
    assert document["by_reason"]["missing_in_tower"] == 2 and document["by_reason"]["stage_differs"] == 0
    assert document["differences_total"] == 2 and len(document["differences"]) == 1
    assert result.by_reason()[("family", "missing_in_tower")] == 2


def test_the_legacy_tables_are_translated_by_the_bridges_rules_refusals_included() -> None:
    rows = [
        a_case_row(zaaknummer="Z1", status="OPSC", gewijzigd_op=datetime(2026, 3, 9, 9, 0)),
        a_case_row(zaaknummer="Z2", status="XXXX"),
        a_case_row(zaaknummer="Z3", zaaktype="NATUR", status="VERL"),
    ]
    history = [
        a_status_row(1, "ONTV", date(2026, 3, 2), "Z1"),
        a_status_row(2, "OPSC", date(2026, 3, 5), "Z1"),
        a_status_row(3, "ONBEKEND", date(2026, 3, 6), "Z1"),
    ]
    tables = translate_tables(rows, history, normalised_bsn, AT)
    (case,) = tables.cases
    assert (case.zaaknummer, case.stage, case.suspended_since) == (
        "Z1",
        "waiting_on_applicant",
        date(2026, 3, 5),
    )
    assert sorted((r.zaaknummer, r.table, r.rule.value) for r in tables.refusals) == [
        ("Z1", "zaak_statussen", "unknown_status"),
        ("Z2", "zaken", "unknown_status"),
        ("Z3", "zaken", "no_extension_rule"),
    ]
