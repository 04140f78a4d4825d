"""One catalogue of the tower's views: the API, the command, the dashboard's list and the metrics are all
made from it, so a view there is everywhere and nowhere else declares one."""

from __future__ import annotations

import argparse
from pathlib import Path

from composition.cli.main import build_parser
from composition.embedded import EmbeddedBackbone
from services.control_tower.adapters.metrics import FAMILIES
from services.control_tower.adapters.terminal.views_text import TEXT
from services.control_tower.application.catalogue import CATALOGUE, VIEWS
from tests.api_access import signed_in_api
from tests.factories import embedded_settings


def _tower_commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    tower = commands.choices["tower"]
    views = next(a for a in tower._actions if isinstance(a, argparse._SubParsersAction))
    return dict(views.choices)


def test_every_view_of_the_catalogue_is_served_listed_and_a_command(tmp_path: Path) -> None:
    backbone = EmbeddedBackbone(embedded_settings(tmp_path))
    try:
        client = signed_in_api(backbone.intake, backbone.decision, lambda: backbone.tower)
        paths = client.get("/v1/openapi.json").json()["paths"]
        listed = client.get("/v1/tower/views").json()
    finally:
        backbone.close()
    tower_paths = {p for p in paths if p.startswith("/v1/tower/")} - {"/v1/tower/views"}
    assert tower_paths == {view.url_path for view in CATALOGUE}
    assert [v["path"] for v in listed] == [view.url_path for view in CATALOGUE]
    for view in CATALOGUE:
        served = {p["name"] for p in paths[view.url_path]["get"].get("parameters", [])}
        assert served == {p.name for p in view.parameters}, view.name
    commands = _tower_commands()
    assert {view.name for view in CATALOGUE} <= set(commands)
    assert set(TEXT) == set(VIEWS)  # the terminal shows every view, and only those
    assert set(commands) - set(VIEWS) == {"status", "rebuild", *(a for v in CATALOGUE for a in v.aliases)}


def test_a_command_takes_the_view_s_parameters_with_the_catalogue_s_defaults() -> None:
    commands = _tower_commands()
    wip = commands["wip"].parse_args([])
    assert wip.weeks == VIEWS["wip"].parameter("weeks").default == 26  # type: ignore[union-attr]
    teams = commands["teams"].parse_args([])
    assert teams.group_by == "team"  # an alias presets its values
    assert commands["workload"].parse_args(["--by", "target_group"]).group_by == "target_group"


def test_every_metric_family_reads_a_view_of_the_catalogue() -> None:
    assert {family.view for family in FAMILIES} <= set(VIEWS)
