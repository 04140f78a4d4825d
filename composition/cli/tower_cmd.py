"""``backbone tower``: the control tower's views in the terminal (``--json`` for scripts): one command per
view of the catalogue (``services/control_tower/application/catalogue.py``), plus status and rebuild.

In embedded mode the consumers first catch up with intake and decision.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from typing import Any

from backbone.clock import SystemClock
from backbone.logs import configure_logging
from backbone.settings import Settings
from composition.cli.failures import UsageError
from composition.cli.progress import ProgressBar
from composition.opened import open_backbone
from composition.system import System
from services.control_tower.adapters.terminal.views_text import TEXT
from services.control_tower.adapters.terminal.workload_table import workload_json, workload_table
from services.control_tower.application.catalogue import CATALOGUE
from services.control_tower.application.view_spec import Parameter, View, ViewRequest
from services.control_tower.application.whatif_view import ScenarioError
from services.control_tower.rebuild import rebuild_views

REBUILD_HELP = (
    "Rebuilds every view of the control tower from the beginning of intake's and decision's streams "
    "(notification logs in embedded mode; every partition of the Kafka topics in distributed mode, read "
    "up to the end offsets they had at the start, without a consumer group) into a new generation, with "
    "a progress bar. The live views keep serving meanwhile. The streams are folded in memory and each "
    "table is written once, in one transaction with the positions; --workers shares the partitions "
    "between worker processes. Then the new generation is swapped in: the running tower and API "
    "processes open it within a second and carry on from its positions. The generation before the "
    "previous one is deleted at the start of a rebuild."
)


OPTION_NAMES = {"group_by": ("--group-by", "--by")}  # --by: the command's older spelling


def _today(arguments: argparse.Namespace) -> date:
    return getattr(arguments, "today", None) or SystemClock().now().date()


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "tower", help="the control tower (verkeerstoren) views", description=__doc__
    )
    subparsers = parser.add_subparsers(dest="view", required=True, metavar="VIEW")
    status = subparsers.add_parser("status", help="open cases by procedure and stage")
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    status.set_defaults(handler=_status)
    rebuild = subparsers.add_parser(
        "rebuild",
        help="rebuild every view from the beginning of the streams, then swap it in",
        description=REBUILD_HELP,
    )
    rebuild.add_argument("--json", action="store_true", help="print the report as JSON")
    rebuild.add_argument(
        "--no-swap", action="store_true", help="build the new generation but leave the live one in place"
    )
    rebuild.add_argument(
        "--workers",
        type=int,
        default=1,
        help="distributed mode: worker processes sharing the partitions (1: this process alone)",
    )
    rebuild.set_defaults(handler=_rebuild)
    for view in CATALOGUE:
        for name, preset in {view.name: {}, **view.aliases}.items():
            presets = "".join(f" --{k.replace('_', '-')} {v}" for k, v in preset.items())
            summary = view.summary if name == view.name else f"{view.summary} (`{view.name}{presets}`)"
            sub = subparsers.add_parser(name, help=summary, description=view.description or summary)
            for parameter in view.parameters:
                _add_option(sub, parameter, preset.get(parameter.name, parameter.default))
            sub.add_argument("--json", action="store_true", help="print JSON for scripts")
            sub.set_defaults(handler=_show, view_spec=view)


def _add_option(parser: argparse.ArgumentParser, parameter: Parameter, default: Any) -> None:
    """A view's parameter as the command's option (or positional argument, for a case id)."""
    if parameter.in_path:
        parser.add_argument(parameter.name, help=parameter.description)
        return
    names = OPTION_NAMES.get(parameter.name, (f"--{parameter.name.replace('_', '-')}",))
    described = parameter.description.replace("%", "%%")
    if parameter.kind is list:
        parser.add_argument(*names, dest=parameter.name, action="append", default=[], help=described)
        return
    kind = date.fromisoformat if parameter.kind is date else parameter.kind
    shown = f" ({default})" if default is not None else ""
    parser.add_argument(
        *names,
        dest=parameter.name,
        type=kind,
        default=default,
        choices=parameter.choices or None,
        help=described + shown,
    )


def _store(settings: Settings) -> Any:
    """The live views, caught up first where the consumers run in this process."""
    backbone = open_backbone(System(settings))
    backbone.settle()
    return backbone.tower


def _show(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    view: View = arguments.view_spec
    values = {p.name: getattr(arguments, p.name) for p in view.parameters if p.name != "today"}
    request = ViewRequest(today=_today(arguments), now=datetime.now(UTC), values=values)
    try:
        document = view.compute(_store(settings), request)
    except ScenarioError as error:
        raise UsageError(f"tower {view.name}: {error}") from error
    print(json.dumps(document, indent=2) if arguments.json else TEXT[view.name](document))
    return 0


def _rebuild(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    codec = System(settings).codec
    bar = ProgressBar("rebuilding the tower's views", "events")
    report = rebuild_views(
        settings, codec=codec, progress=bar, swap=not arguments.no_swap, workers=arguments.workers
    )
    if arguments.json:
        print(json.dumps(report.as_json(), indent=2))
    else:
        state = "swapped in" if not arguments.no_swap else "built, not swapped in"
        print(
            f"generation {report.generation if not arguments.no_swap else report.replaced} {state} "
            f"(replaced generation {report.replaced}): {report.events} events read, {report.applied} "
            f"applied in {report.seconds:.1f} s ({report.events_per_second:,.0f} events/s)"
        )
    return 0


def _status(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env("control_tower")
    configure_logging(settings.log_format, settings.log_level)
    rows = _store(settings).workload()
    print(workload_json(rows, mode=settings.mode) if arguments.json else workload_table(rows))
    return 0
