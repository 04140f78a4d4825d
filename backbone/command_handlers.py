"""A service's command handlers in one table, as cosmicpython lists them: each command class with the
function that carries it out on an aggregate, for a given cause.

A table's rows are written ``on(AssignCase, assign_case)``, so that mypy checks, row by row, that the
handler takes exactly that command; the service then looks a command's handler up by its class.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from backbone.events import Cause
from backbone.validation import Command

__all__ = ["CommandHandler", "Row", "handler_table", "on"]

A = TypeVar("A")  # the aggregate a handler changes
C = TypeVar("C", bound=Command)
R = TypeVar("R")  # what a handler gives back

CommandHandler = Callable[[A, Command, Cause], R]
Row = tuple[type[Command], CommandHandler[A, R]]


def on(command_type: type[C], handler: Callable[[A, C, Cause], R]) -> Row[A, R]:
    """One row of a handler table: ``handler`` carries out the commands of ``command_type``."""

    def handle(aggregate: A, command: Command, cause: Cause) -> R:
        assert isinstance(command, command_type)  # looked up by the command's own class
        return handler(aggregate, command, cause)

    return command_type, handle


def handler_table(*rows: Row[A, R]) -> Mapping[type[Command], CommandHandler[A, R]]:
    """The rows as a table; a command class listed twice is a mistake, refused at import."""
    table = dict(rows)
    if len(table) != len(rows):
        raise ValueError("a command class is listed twice in the handler table")
    return table
