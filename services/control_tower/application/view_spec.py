"""What a view of the control tower is, for every interface that shows one: its name, what it shows, its
parameters and how it is computed (the views themselves are listed in ``catalogue.py``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.control_tower.application.view_store import ViewStore

Document = dict[str, Any] | list[dict[str, Any]]


@dataclass(frozen=True)
class Parameter:
    """One parameter of a view, as every interface offers it."""

    name: str
    kind: type  # str, int, float, date; list for a repeatable one
    description: str
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    in_path: bool = False  # part of the view's path (a case id), not a query parameter


@dataclass(frozen=True)
class ViewRequest:
    """What a view is asked for: the day (and moment) to look from, and its parameters' values."""

    today: date
    now: datetime
    values: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


@dataclass(frozen=True)
class View:
    name: str  # `backbone tower <name>`; the path below /v1/tower/ unless ``path`` says otherwise
    summary: str
    parameters: tuple[Parameter, ...]
    compute: Callable[[ViewStore, ViewRequest], Document]
    document: Any = dict[str, Any]  # the document's type, for the API's schema
    path: str = ""
    operation: str = ""  # the API operation's name (its OpenAPI operationId starts with it)
    # other names the command answers to, each with the parameters' values it presets
    aliases: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    description: str = ""  # the command's longer help

    @property
    def url_path(self) -> str:
        return f"/v1/tower/{self.path or self.name}"

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def as_json(self) -> dict[str, Any]:
        """What the dashboard reads of this view (``/v1/tower/views``)."""
        return {
            "name": self.name,
            "path": self.url_path,
            "summary": self.summary,
            "parameters": [
                {"name": p.name, "description": p.description, "default": _plain(p.default)}
                | ({"choices": list(p.choices)} if p.choices else {})
                for p in self.parameters
            ],
        }


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
