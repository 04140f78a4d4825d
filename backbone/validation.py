"""Turns pydantic's validation errors into an ``InvalidCommand`` that names each field and rule."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, ClassVar, Protocol, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from backbone.errors import FieldProblem, InvalidCommand

# No day after this is planned with: period arithmetic stays far from ``date.max``.
LAST_DAY = date(2099, 12, 31)
_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def iso_day(value: object) -> object:
    """A day is a ``date`` or its ISO text, YYYY-MM-DD: pydantic alone would read 0 as 1970-01-01."""
    if (isinstance(value, date) and not isinstance(value, datetime)) or (
        isinstance(value, str) and _ISO_DAY.match(value)
    ):
        return value
    raise PydanticCustomError("iso_day", "a day as YYYY-MM-DD")


def within(day: date, first: date, last: date) -> date:
    """``day``, if it lies from ``first`` to ``last``; else a validation error naming the range."""
    if not first <= day <= last:
        raise PydanticCustomError(
            "day_out_of_range", "a day from {first} to {last}", {"first": str(first), "last": str(last)}
        )
    return day


class CodeList(Protocol):
    """A versioned list of codes, as a command's field sees it (the IND's are ``ind.codes``)."""

    name: str

    @property
    def version_id(self) -> str: ...

    @property
    def description(self) -> str: ...

    def codes(self) -> list[str]: ...


def known_in(code_list: CodeList) -> AfterValidator:
    """A field's check that it holds a code of ``code_list``: anything else, free text above all, is
    refused as ``unknown_code``, naming the list and its version."""

    def known(code: str) -> str:
        if code not in code_list.codes():
            raise PydanticCustomError(
                "unknown_code",
                "a code of {code_list} version {version}",
                {"code_list": code_list.name, "version": code_list.version_id},
            )
        return code

    return AfterValidator(known)


def listed(code_list: CodeList) -> FieldInfo:
    """The codes a field takes, in its JSON schema (and so in the OpenAPI document)."""
    described = f"{code_list.name} {code_list.version_id}: {code_list.description}"
    extra: dict[str, Any] = {"enum": code_list.codes(), "description": described}
    field: FieldInfo = Field(json_schema_extra=extra)
    return field


class Command(BaseModel):
    """A command at a service's boundary: frozen, no unknown fields, every day from ``first_day`` to
    ``last_day``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    dated: ClassVar[tuple[str, ...]] = ()  # fields that hold a day in the world
    # A service narrows these to the days its rules know (the statutory catalogue's range): a day
    # outside them is refused here rather than failing every later command on the aggregate.
    first_day: ClassVar[date] = date(1900, 1, 1)
    last_day: ClassVar[date] = LAST_DAY

    @field_validator("*", mode="before")
    @classmethod
    def _days_as_iso_text(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        if value is not None and field is not None and field.annotation in (date, date | None):
            return iso_day(value)
        return value

    @field_validator("*")
    @classmethod
    def _days_in_range(cls, value: Any) -> Any:
        if isinstance(value, date):
            return within(value, cls.first_day, cls.last_day)
        return value

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
