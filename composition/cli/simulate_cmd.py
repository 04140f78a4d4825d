"""``backbone simulate``: weeks of IND work driven through the real intake and decision commands.

Applications arrive per procedure as in the public figures (asylum with its August-November peak,
knowledge migrants in summer, flat naturalisation; see simulation/inflow.py), with optional shocks;
decision works its cases within each procedure's weekly capacity (simulation/parameters.py). Every step
is a real command on a clock that moves with the simulation. The same arguments give the same events.

Embedded mode writes SQLite files in the data directory; distributed mode writes intake's and
decision's PostgreSQL stores and publishes to Kafka (run `backbone run tower` to watch it arrive). The
stores must hold no events yet: a simulation starts from an empty IND.

After every week the simulation writes a checkpoint (``--checkpoint``, by default in the data
directory). ``--resume`` goes on from it on the same stores: after a stop or a crash (the week that was
under way is done again, and the services answer its commands from their records), or to carry a
finished simulation further (``--resume --weeks N``: N weeks in all). The plan comes from the
checkpoint; only ``--weeks`` may change it.

Commands are recorded a working day of intake, or a procedure's week of decisions, per transaction;
``--one-command-per-transaction`` records each on its own (the same events, more slowly).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

from backbone.clock import ManualClock
from backbone.errors import BackboneError, ConfigurationError
from backbone.logs import configure_logging
from backbone.runtime import runtime_for
from backbone.settings import Settings
from composition.cli.exit_codes import ExitCode
from composition.cli.failures import UsageError
from composition.cli.progress import ProgressBar
from composition.simulated import SimulatedServices, simulated_services
from ind.planning import CapacityChange
from simulation.checkpoint import CheckpointError, read_checkpoint
from simulation.inflow import Shock
from simulation.plan import PROCEDURES, SimulationPlan, plan_from_json
from simulation.simulator import SimulationStats, Simulator

CHECKPOINT = "simulation-checkpoint.json"


class NotEmptyError(BackboneError):
    """A simulation was asked to write into stores that already hold events."""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "simulate",
        help="simulate weeks of IND work through the real commands (seeded, with a progress bar)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_plan_arguments(parser, weeks=52, scale=1.0)
    parser.add_argument(
        "--from",
        dest="starts_on",
        type=date.fromisoformat,
        default=date(2021, 1, 1),
        help="the first simulated day, YYYY-MM-DD (2021-01-01); the week it falls in is simulated whole",
    )
    parser.add_argument("--data-dir", type=Path, help="embedded mode: where the SQLite files go")
    parser.add_argument(
        "--checkpoint",
        type=Path,
        help=f"the checkpoint written after every week (default: {CHECKPOINT} in the data directory)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="go on from the checkpoint, on the stores it was written with (--weeks: weeks in all)",
    )
    parser.add_argument(
        "--one-command-per-transaction",
        action="store_true",
        help="record each command in a transaction of its own (the same events, more slowly)",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.set_defaults(handler=_simulate)


def add_plan_arguments(parser: argparse.ArgumentParser, *, weeks: int, scale: float) -> None:
    parser.add_argument("--weeks", type=int, help=f"weeks to simulate ({weeks})")
    parser.set_defaults(default_weeks=weeks)
    parser.add_argument(
        "--scale",
        type=float,
        default=scale,
        help=f"share of the IND's real volumes and capacity; 1.0 is about 190,000 applications a year "
        f"({scale})",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (7)")
    parser.add_argument(
        "--shock",
        action="append",
        default=[],
        metavar="PROCEDURE:DATE[:PEAK[:RISE[:DECAY]]]",
        help="extra applications: a rise to PEAK a week (10000) over RISE weeks (4), then a fall over "
        "DECAY weeks (8); e.g. asylum:2022-03-01 (repeatable)",
    )
    parser.add_argument(
        "--capacity",
        action="append",
        default=[],
        metavar="PROCEDURE:+N%[:WEEK]",
        help="change a procedure's decision capacity from a week on, e.g. asylum:+20%%:10 or "
        "naturalisation:x0.8 (repeatable)",
    )


@dataclass(frozen=True)
class SimulationRun:
    stats: SimulationStats
    seconds: float
    events: int
    peak_memory_mib: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            **self.stats.as_json(),
            "events": self.events,
            "seconds": round(self.seconds, 2),
            "peak_memory_mib": self.peak_memory_mib,
        }


def planned_weeks(arguments: argparse.Namespace) -> int:
    """``--weeks`` if given, else the command's default (None is kept apart: ``--resume`` needs to
    know whether the weeks were asked for)."""
    weeks: int = arguments.weeks if arguments.weeks is not None else arguments.default_weeks
    return weeks


def plan_from(arguments: argparse.Namespace, starts_on: date) -> SimulationPlan:
    try:
        return SimulationPlan(
            starts_on=starts_on,
            weeks=planned_weeks(arguments),
            scale=arguments.scale,
            seed=arguments.seed,
            shocks=tuple(Shock.parse(s) for s in arguments.shock),
            capacity_changes=tuple(
                CapacityChange.parse(c, procedures=PROCEDURES, parameter="capacity change")
                for c in arguments.capacity
            ),
        )
    except ValueError as error:
        raise UsageError(str(error)) from error


def run_simulation(
    settings: Settings,
    plan: SimulationPlan,
    *,
    label: str = "simulating",
    checkpoint: Path | None = None,
    resume_from: dict[str, Any] | None = None,
    one_command_per_transaction: bool = False,
    stop: Callable[[], bool] | None = None,
) -> tuple[SimulatedServices, SimulationRun]:
    """The plan run through the services of ``settings``' mode, from the start or from a checkpoint's
    state (``resume_from``); the services are left open."""
    clock = ManualClock(datetime.combine(plan.first_monday, time_of_day(8), tzinfo=UTC))
    services = simulated_services(settings, clock)
    try:
        legacy = None
        if services.intake.routing.legacy_routes:
            if resume_from is not None:
                raise ConfigurationError(
                    "a simulation with a legacy share cannot be resumed yet (the legacy desk's state "
                    "is not in the checkpoint): start it again"
                )
            legacy = services.legacy_desk(plan.seed, plan.first_monday)
        simulator = Simulator(
            services.intake,
            services.decision,
            clock,
            services.settle,
            plan,
            one_command_per_transaction=one_command_per_transaction,
            legacy=legacy,
        )
        if resume_from is None:
            _require_empty(services, settings)
        else:
            simulator.restore(resume_from)
            _require_checkpoint_stores(services, simulator.last_key())
    except BackboneError:
        services.close()
        raise
    started = time.perf_counter()
    try:
        stats = simulator.run(ProgressBar(label, "weeks"), checkpoint, stop)
        services.settle(published=True)  # every event on its topic before the figures are given
    except BaseException:
        services.close()  # the relay processes stop with it; the checkpoint says where to resume
        raise
    seconds = time.perf_counter() - started
    events = (services.intake.recorder.max_notification_id() or 0) + (
        services.decision.recorder.max_notification_id() or 0
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    return services, SimulationRun(stats, seconds, events, round(peak, 1))


def _require_empty(services: SimulatedServices, settings: Settings) -> None:
    if services.intake.recorder.max_notification_id():
        where = runtime_for(settings).where("intake")
        raise NotEmptyError(
            f"{where} already holds events: a simulation starts from an empty IND "
            "(give an empty --data-dir, or another BACKBONE_DATA_DIR / database; or --resume)"
        )


def _require_checkpoint_stores(services: SimulatedServices, last_key: str | None) -> None:
    """The checkpoint's last command is on record in these stores: they are the ones it was written
    with (up to that command at least)."""
    if last_key is None:
        return
    if not any(service.key_recorded(last_key) for service in (services.intake, services.decision)):
        raise CheckpointError(
            f"the stores do not hold the checkpoint's last command ({last_key}): resume on the stores "
            "the checkpoint was written with"
        )


def summary_table(run: SimulationRun, plan: SimulationPlan) -> str:
    stats = run.stats
    last = plan.first_monday + timedelta(weeks=plan.weeks) - timedelta(days=1)
    lines = [
        f"Simulated {stats.weeks} weeks ({plan.first_monday} to {last}) at scale {plan.scale}, seed "
        f"{plan.seed}: {run.events:,} events, {stats.commands:,} commands in {run.seconds:.1f} s, "
        f"peak memory {run.peak_memory_mib:,.0f} MiB",
        "",
        f"{'procedure':<24}{'inflow':>10}{'accepted':>10}{'decided':>10}",
    ]
    for procedure, figures in stats.per_procedure.items():
        lines.append(f"{procedure:<24}{figures.inflow:>10,}{figures.accepted:>10,}{figures.decided:>10,}")
    lines += [
        f"{'total':<24}{stats.applications:>10,}{stats.accepted:>10,}{stats.decided:>10,}",
        "",
        f"open at the end: {stats.open_cases:,}; withdrawn {stats.withdrawn:,}, not processed "
        f"{stats.not_processed:,}; commands refused by the services: {stats.refused:,}",
    ]
    if stats.legacy_registered:
        lines.append(
            f"registered in the legacy case system (procedures it owns by the routing table): "
            f"{stats.legacy_registered:,}"
        )
    return "\n".join(lines)


def _simulate(arguments: argparse.Namespace) -> int:
    settings = Settings.from_env()
    level = settings.log_level if "BACKBONE_LOG_LEVEL" in os.environ else "warning"
    configure_logging(settings.log_format, level)
    if arguments.data_dir is not None:
        settings = settings.with_overrides(data_dir=arguments.data_dir)
    checkpoint = arguments.checkpoint or settings.data_dir / CHECKPOINT
    try:
        if arguments.resume:
            planned, state = read_checkpoint(checkpoint)
            plan, resume_from = plan_from_json(planned, weeks=arguments.weeks), state
            if plan.weeks <= state["weeks_done"]:
                raise ValueError(
                    f"weeks: {plan.weeks} in all is not more than the {state['weeks_done']} weeks "
                    "the checkpoint has done; give more with --weeks"
                )
        else:
            plan, resume_from = plan_from(arguments, arguments.starts_on), None
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        stop = threading.Event()  # SIGTERM or Ctrl-C: stop after the week under way, checkpoint written
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        services, run = run_simulation(
            settings,
            plan,
            checkpoint=checkpoint,
            resume_from=resume_from,
            one_command_per_transaction=arguments.one_command_per_transaction,
            stop=stop.is_set,
        )
    except ValueError as error:
        raise UsageError(str(error)) from error
    services.close()
    print(json.dumps(run.as_json(), indent=2) if arguments.json else summary_table(run, plan))
    if run.stats.weeks < plan.weeks:
        print(
            f"backbone: stopped after week {run.stats.weeks} of {plan.weeks}; the checkpoint is "
            f"{checkpoint}: `backbone simulate --resume` goes on",
            file=sys.stderr,
        )
        return ExitCode.STOPPED
    return ExitCode.OK
