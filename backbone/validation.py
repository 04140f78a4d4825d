"""Turns pydantic's validation errors into an ``InvalidCommand`` that names each field and rule."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from backbone.errors import FieldProblem, InvalidCommand


class Command(BaseModel):
    """A command at a service's boundary: frozen, no unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    dated: ClassVar[tuple[str, ...]] = ()  # fields that hold a day in the world

    def dated_fields(self) -> dict[str, date]:
        """The fields holding a day in the world; none of them may lie in the future."""
        return {name: value for name, value in self if name in self.dated}


C = TypeVar("C", bound=BaseModel)


def parse_command(command_type: type[C], data: Mapping[str, Any]) -> C:
    try:
        return command_type.model_validate(dict(data))
    except ValidationError as error:
        raise InvalidCommand(command_type.__name__, problems_of(error)) from error


def parse_action(commands: Mapping[str, type[C]], action: str, data: Mapping[str, Any]) -> C:
    """The command an action name (as the CLI and the simulator give it) and its fields make."""
    if action not in commands:
        raise InvalidCommand(action, [FieldProblem("action", "unknown", f"one of {sorted(commands)}")])
    return parse_command(commands[action], data)


def problems_of(error: ValidationError) -> list[FieldProblem]:
    problems = []
    for item in error.errors(include_url=False):
        field = ".".join(str(part) for part in item["loc"]) or "(command)"
        problems.append(FieldProblem(field=field, rule=item["type"], message=item["msg"]))
    return problems


def refuse_future_days(command: Command, today: date) -> None:
    """A command that names a day after today is refused: an ``InvalidCommand`` names each such field."""
    future = [
        FieldProblem(field, "not_in_future", f"{day} is after today")
        for field, day in command.dated_fields().items()
        if day > today
    ]
    if future:
        raise InvalidCommand(type(command).__name__, future)
