"""Which system is authoritative for each procedure, and from when: the routing table of the renewal.

The legacy case system keeps the procedures it owns until each one's cutover; the backbone owns the
others. The table is versioned data, like the statutory catalogue: a change of routing is a decision,
reviewed and released as a new version, never edited in place. A deployment reads it from a JSON file
(``BACKBONE_ROUTING_FILE``); without one, the backbone owns every procedure (a greenfield run, the demo).

File form::

    {"version": "2027.1",
     "routes": [{"procedure": "family", "system": "legacy", "cutover_on": "2027-03-01"},
                {"procedure": "study", "system": "legacy", "cutover_on": null}]}

A procedure routed to ``legacy`` with a ``cutover_on`` belongs to the legacy system for applications
received before that day and to the backbone from it; without ``cutover_on`` the legacy keeps it. A
procedure not listed belongs to the backbone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from ind.procedures import Procedure


class OwningSystem(StrEnum):
    BACKBONE = "backbone"
    LEGACY = "legacy"


class RoutingTableError(ValueError):
    """A routing table file breaks a rule of its form; the message names the entry and the rule."""


@dataclass(frozen=True)
class Route:
    procedure: Procedure
    cutover_on: date | None  # None: the legacy system keeps the procedure (no cutover planned)

    def owner(self, received_on: date) -> OwningSystem:
        if self.cutover_on is not None and received_on >= self.cutover_on:
            return OwningSystem.BACKBONE
        return OwningSystem.LEGACY


@dataclass(frozen=True)
class RoutingTable:
    version: str
    legacy_routes: Mapping[Procedure, Route] = field(default_factory=dict)

    def owner(self, procedure: Procedure, received_on: date) -> OwningSystem:
        """The system that handles an application of ``procedure`` received on ``received_on``."""
        route = self.legacy_routes.get(procedure)
        return OwningSystem.BACKBONE if route is None else route.owner(received_on)

    def route_of(self, procedure: Procedure) -> Route | None:
        return self.legacy_routes.get(procedure)

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "routes": [
                {
                    "procedure": procedure.value,
                    "system": OwningSystem.LEGACY.value,
                    "cutover_on": None if route.cutover_on is None else route.cutover_on.isoformat(),
                }
                for procedure, route in sorted(self.legacy_routes.items())
            ],
        }

    @classmethod
    def from_json(cls, document: Any) -> RoutingTable:
        if not isinstance(document, dict) or not isinstance(document.get("version"), str):
            raise RoutingTableError("version: required, a text such as 2027.1")
        routes: dict[Procedure, Route] = {}
        for n, entry in enumerate(document.get("routes", [])):
            where = f"routes[{n}]"
            try:
                procedure = Procedure(entry["procedure"])
            except (KeyError, ValueError, TypeError):
                raise RoutingTableError(
                    f"{where}.procedure: one of {[p.value for p in Procedure]}"
                ) from None
            if procedure in routes:
                raise RoutingTableError(f"{where}.procedure: {procedure.value} is routed twice")
            if entry.get("system") != OwningSystem.LEGACY:
                raise RoutingTableError(
                    f"{where}.system: list the procedures the legacy owns ('legacy'); the backbone owns "
                    "the rest"
                )
            try:
                cutover = entry.get("cutover_on")
                routes[procedure] = Route(
                    procedure, None if cutover is None else date.fromisoformat(cutover)
                )
            except (TypeError, ValueError):
                raise RoutingTableError(f"{where}.cutover_on: a date (YYYY-MM-DD) or null") from None
        return cls(document["version"], routes)

    @classmethod
    def read(cls, path: Path) -> RoutingTable:
        try:
            return cls.from_json(json.loads(path.read_text()))
        except (OSError, json.JSONDecodeError) as error:
            raise RoutingTableError(f"{path}: {error}") from error


# No routing file: the backbone owns every procedure.
GREENFIELD = RoutingTable("greenfield")
