"""Turns pydantic's validation errors into an ``InvalidCommand`` that names each field and rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from backbone.errors import FieldProblem, InvalidCommand

Command = TypeVar("Command", bound=BaseModel)


def parse_command(command_type: type[Command], data: Mapping[str, Any]) -> Command:
    try:
        return command_type.model_validate(dict(data))
    except ValidationError as error:
        raise InvalidCommand(command_type.__name__, problems_of(error)) from error


def problems_of(error: ValidationError) -> list[FieldProblem]:
    problems = []
    for item in error.errors(include_url=False):
        field = ".".join(str(part) for part in item["loc"]) or "(command)"
        problems.append(FieldProblem(field=field, rule=item["type"], message=item["msg"]))
    return problems
