"""The services' handler tables and the parsing of actions at the edge."""

from __future__ import annotations

import pytest

from backbone.command_handlers import handler_table, on
from backbone.errors import InvalidCommand
from services.decision.application import commands as decision_commands
from services.decision.application.handlers import COMMAND_HANDLERS as DECISION_HANDLERS
from services.decision.application.handlers import assign_case
from services.intake.application import commands as intake_commands
from services.intake.application.handlers import COMMAND_HANDLERS as INTAKE_HANDLERS


def test_every_decision_command_has_one_handler_in_the_table() -> None:
    assert set(DECISION_HANDLERS) == set(decision_commands.COMMANDS.values())


def test_every_intake_command_has_one_handler_in_the_table() -> None:
    assert set(INTAKE_HANDLERS) == set(intake_commands.COMMANDS.values())


def test_a_command_listed_twice_in_a_table_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        handler_table(
            on(decision_commands.AssignCase, assign_case), on(decision_commands.AssignCase, assign_case)
        )


def test_an_action_and_its_fields_are_parsed_into_the_command() -> None:
    command = decision_commands.parse_case_command(
        "decide", {"decided_on": "2026-10-30", "outcome": "granted"}
    )
    assert command == decision_commands.TakeDecision.model_validate(
        {"decided_on": "2026-10-30", "outcome": "granted"}
    )


def test_an_unknown_action_is_refused_with_the_actions_there_are() -> None:
    with pytest.raises(InvalidCommand) as caught:
        decision_commands.parse_case_command("approve", {})
    ((field, rule, message),) = [(p.field, p.rule, p.message) for p in caught.value.problems]
    assert (field, rule) == ("action", "unknown") and "'decide'" in message


def test_each_broken_field_is_named_with_its_rule() -> None:
    with pytest.raises(InvalidCommand) as caught:
        intake_commands.parse_application_command("pay-fee", {"paid_on": "someday", "amount_cents": 0})
    assert caught.value.command == "PayFee"
    assert [(p.field, p.rule) for p in caught.value.problems] == [
        ("paid_on", "iso_day"),
        ("amount_cents", "greater_than"),
    ]
