"""The command line's simulation plans: the defaults of ``demo`` and ``simulate`` when ``--weeks`` is not
given, and ``--weeks`` left unset for ``simulate --resume`` (which then keeps the checkpoint's)."""

from __future__ import annotations

from datetime import date

from composition.cli.main import build_parser
from composition.cli.simulate_cmd import plan_from, planned_weeks


def test_demo_and_simulate_default_to_a_year() -> None:
    for command in (["demo", "--no-serve"], ["simulate"]):
        arguments = build_parser().parse_args(command)
        assert arguments.weeks is None and planned_weeks(arguments) == 52
        assert plan_from(arguments, date(2025, 1, 6)).weeks == 52


def test_weeks_given_are_the_weeks_planned() -> None:
    arguments = build_parser().parse_args(["simulate", "--weeks", "9", "--resume"])
    assert arguments.resume and planned_weeks(arguments) == 9
