"""The IND's code lists, and the commands that choose from them instead of taking free text."""

from __future__ import annotations

from typing import Any

import pytest

from backbone.errors import InvalidCommand
from ind.codes.applications import MISSING_ITEMS, TARGET_GROUPS
from ind.codes.code_list import CodeList, UnknownCode
from ind.codes.courts import COURTS
from ind.codes.grounds import (
    CLOSING_GROUNDS,
    DECISION_GROUNDS,
    ESCALATION_GROUNDS,
    EXTENSION_GROUNDS,
    PROLONGATION_GROUNDS,
)
from ind.codes.information_subjects import INFORMATION_SUBJECTS
from ind.codes.locations import ISSUE_LOCATIONS
from ind.codes.resolutions import ESCALATION_RESOLUTIONS
from ind.codes.teams import TEAMS
from services.decision.application.commands import COMMANDS, parse_case_command
from services.intake.application.commands import parse_application_command

CODE_LISTS = [
    CLOSING_GROUNDS,
    DECISION_GROUNDS,
    ESCALATION_GROUNDS,
    PROLONGATION_GROUNDS,
    EXTENSION_GROUNDS,
    ESCALATION_RESOLUTIONS,
    COURTS,
    ISSUE_LOCATIONS,
    INFORMATION_SUBJECTS,
    TEAMS,
    MISSING_ITEMS,
    TARGET_GROUPS,
]
# action -> its code field, its code list, and a valid command without that field
CODED: dict[str, tuple[str, CodeList, dict[str, Any]]] = {
    "request-information": (
        "subject_code",
        INFORMATION_SUBJECTS,
        {"requested_on": "2026-03-02", "due_on": "2026-03-30"},
    ),
    "extend-deadline": ("reason_code", EXTENSION_GROUNDS, {"on": "2026-03-02", "days": 30}),
    "escalate": ("reason_code", ESCALATION_GROUNDS, {"escalated_on": "2026-03-02"}),
    "resolve-escalation": ("resolution_code", ESCALATION_RESOLUTIONS, {"resolved_on": "2026-03-02"}),
    "refer-to-prolonged-procedure": ("reason_code", PROLONGATION_GROUNDS, {"referred_on": "2026-03-02"}),
    "lodge-appeal": ("court_code", COURTS, {"lodged_on": "2026-03-02"}),
    "mark-document-ready": (
        "location_code",
        ISSUE_LOCATIONS,
        {"ready_on": "2026-03-02", "channel": "desk"},
    ),
    "close": ("reason_code", CLOSING_GROUNDS, {"closed_on": "2026-03-02"}),
}


@pytest.mark.parametrize("code_list", CODE_LISTS, ids=lambda c: c.name)
def test_every_code_list_has_a_version_and_unique_codes_with_dutch_and_english_labels(
    code_list: CodeList,
) -> None:
    for version in code_list.versions:
        codes = [entry.code for entry in version.codes]
        assert version.id and len(codes) == len(set(codes)) > 1
        assert all(entry.nl and entry.en for entry in version.codes)
        assert all(code == code.strip().lower() and " " not in code for code in codes)


def test_a_court_is_a_rechtbank_by_its_code_and_label() -> None:
    assert COURTS.current.label("rb-den-haag").nl == "Rechtbank Den Haag"
    assert len([code for code in COURTS.codes() if code.startswith("rb-")]) == 11
    assert ISSUE_LOCATIONS.current.label("ind-loket-den-haag").en == "IND desk Den Haag"
    with pytest.raises(UnknownCode):
        COURTS.current.label("Rechtbank Den Haag")
    with pytest.raises(UnknownCode):
        COURTS.version("1999.1")


@pytest.mark.parametrize("action", sorted(CODED))
def test_a_command_takes_every_code_of_its_list_and_no_other(action: str) -> None:
    field, code_list, fields = CODED[action]
    for code in code_list.codes():
        assert getattr(parse_case_command(action, {**fields, field: code}), field) == code
    schema = COMMANDS[action].model_json_schema()["properties"][field]
    assert code_list.codes() in [schema.get("enum"), *(s.get("enum") for s in schema.get("anyOf", []))]


@pytest.mark.parametrize("action", sorted(CODED))
def test_free_text_where_a_code_belongs_is_refused_naming_the_field_and_the_rule(action: str) -> None:
    field, code_list, fields = CODED[action]
    with pytest.raises(InvalidCommand) as refused:
        parse_case_command(action, {**fields, field: "Mr Haddad asked for more time"})
    (problem,) = refused.value.problems
    assert (problem.field, problem.rule) == (field, "unknown_code")
    assert problem.message == f"a code of {code_list.name} version {code_list.current.id}"


@pytest.mark.parametrize("action", sorted(CODED))
def test_a_note_is_optional_and_at_most_2000_characters(action: str) -> None:
    field, code_list, fields = CODED[action]
    fields = {**fields, field: code_list.codes()[0]}
    assert parse_case_command(action, fields).note is None  # type: ignore[attr-defined]
    noted = parse_case_command(action, {**fields, "note": "x" * 2000})
    assert noted.note == "x" * 2000  # type: ignore[attr-defined]
    with pytest.raises(InvalidCommand) as refused:
        parse_case_command(action, {**fields, "note": "x" * 2001})
    assert [(p.field, p.rule) for p in refused.value.problems] == [("note", "string_too_long")]


@pytest.mark.parametrize("action", ["issue-intended-decision", "decide"])
def test_the_grounds_of_a_decision_are_codes(action: str) -> None:
    fields = {"issued_on": "2026-03-02", "response_due_on": "2026-03-09"}
    if action == "decide":
        fields = {"decided_on": "2026-03-02", "outcome": "rejected"}
    assert parse_case_command(action, {**fields, "grounds": DECISION_GROUNDS.codes()})
    with pytest.raises(InvalidCommand) as refused:
        parse_case_command(action, {**fields, "grounds": ["not_credible", "he lied about Aleppo"]})
    assert [(p.field, p.rule) for p in refused.value.problems] == [("grounds.1", "unknown_code")]


def test_commands_without_free_text_take_no_note() -> None:
    with pytest.raises(InvalidCommand) as refused:
        parse_case_command("decide", {"decided_on": "2026-03-02", "outcome": "granted", "note": "x"})
    assert [(p.field, p.rule) for p in refused.value.problems] == [("note", "extra_forbidden")]


def test_a_team_is_a_code_of_the_teams_list() -> None:
    assigned = parse_case_command("assign", {"team": "asylum-2", "officer_ref": "O-00000000000000a1"})
    assert assigned.team in TEAMS.codes()  # type: ignore[attr-defined]
    assert parse_case_command("escalate", {"escalated_on": "2026-03-02", "reason_code": "complex_case"})
    with pytest.raises(InvalidCommand) as refused:
        parse_case_command("assign", {"team": "Jan de Vries", "officer_ref": "O-00000000000000a1"})
    assert [(p.field, p.rule) for p in refused.value.problems] == [("team", "unknown_code")]


def test_what_a_defect_notice_says_is_missing_and_a_target_group_are_codes() -> None:
    notice = {"notified_on": "2026-03-02", "remedy_by": "2026-03-16"}
    assert parse_application_command("notify-defect", {**notice, "missing": MISSING_ITEMS.codes()})
    with pytest.raises(InvalidCommand) as refused:
        parse_application_command(
            "notify-defect", {**notice, "missing": ["passport_copy", "a letter from Jan"]}
        )
    assert [(p.field, p.rule) for p in refused.value.problems] == [("missing.1", "unknown_code")]
    classification = {"complexity": "low"}
    assert parse_application_command("classify", {**classification, "target_group": "project-eritrea"})
    with pytest.raises(InvalidCommand) as refused:
        parse_application_command("classify", {**classification, "target_group": "family of Jan"})
    assert [(p.field, p.rule) for p in refused.value.problems] == [("target_group", "unknown_code")]
