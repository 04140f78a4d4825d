"""The routing table of the renewal: which system handles an application, by procedure and day of
receipt; read from a versioned file whose mistakes are named, entry and rule."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from backbone.errors import ConfigurationError
from composition.parts import routing_of
from ind.procedures import Procedure
from ind.routing import GREENFIELD, OwningSystem, RoutingTable, RoutingTableError
from tests.factories import embedded_settings

TABLE = {
    "version": "2027.1",
    "routes": [
        {"procedure": "family", "system": "legacy", "cutover_on": "2027-03-01"},
        {"procedure": "study", "system": "legacy", "cutover_on": None},
    ],
}


def test_the_legacy_owns_its_procedures_until_their_cutover_and_the_backbone_the_rest() -> None:
    table = RoutingTable.from_json(TABLE)
    assert table.owner(Procedure.FAMILY, date(2027, 2, 28)) is OwningSystem.LEGACY
    assert table.owner(Procedure.FAMILY, date(2027, 3, 1)) is OwningSystem.BACKBONE
    assert table.owner(Procedure.STUDY, date(2040, 1, 1)) is OwningSystem.LEGACY
    assert table.owner(Procedure.ASYLUM, date(2020, 1, 1)) is OwningSystem.BACKBONE
    assert RoutingTable.from_json(table.as_json()) == table
    assert GREENFIELD.owner(Procedure.STUDY, date(2027, 1, 1)) is OwningSystem.BACKBONE


@pytest.mark.parametrize(
    ("document", "named"),
    [
        ({"routes": []}, "version"),
        ({"version": "1", "routes": [{"procedure": "fmaily", "system": "legacy"}]}, "routes[0].procedure"),
        ({"version": "1", "routes": [{"procedure": "family", "system": "backbone"}]}, "routes[0].system"),
        (
            {"version": "1", "routes": [{"procedure": "family", "system": "legacy", "cutover_on": "soon"}]},
            "routes[0].cutover_on",
        ),
        ({"version": "1", "routes": [TABLE["routes"][0], TABLE["routes"][0]]}, "routes[1].procedure"),
    ],
)
def test_a_mistake_in_the_file_is_named(document: object, named: str) -> None:
    with pytest.raises(RoutingTableError, match=named.replace("[", r"\[").replace("]", r"\]")):
        RoutingTable.from_json(document)


def test_the_settings_name_the_file_and_a_bad_one_stops_the_start(tmp_path: Path) -> None:
    path = tmp_path / "routing.json"
    path.write_text(json.dumps(TABLE))
    assert routing_of(embedded_settings(tmp_path, routing_file=path)).version == "2027.1"
    assert routing_of(embedded_settings(tmp_path)) is GREENFIELD
    path.write_text("{")
    with pytest.raises(ConfigurationError, match="BACKBONE_ROUTING_FILE"):
        routing_of(embedded_settings(tmp_path, routing_file=path))
