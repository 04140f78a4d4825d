"""The simulator drives the real intake and decision commands: the same plan gives the same events,
capacity and shocks change what happens, and the control tower agrees with what was simulated."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time as time_module
from contextlib import closing
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from backbone.clock import ManualClock
from composition.simulated import EmbeddedServices
from ind.planning import CapacityChange
from simulation.checkpoint import read_checkpoint
from simulation.inflow import Shock
from simulation.plan import SimulationPlan, plan_from_json
from simulation.simulator import SimulationStats, Simulator
from tests.factories import embedded_settings

PLAN = SimulationPlan(starts_on=date(2022, 8, 1), weeks=10, scale=0.01, seed=11)


def _simulate(
    tmp_path: Path, plan: SimulationPlan, *, one_command_per_transaction: bool = False
) -> tuple[EmbeddedServices, SimulationStats]:
    clock = ManualClock(datetime.combine(plan.first_monday, time(8), tzinfo=UTC))
    services = EmbeddedServices(embedded_settings(tmp_path), clock)
    stats = Simulator(
        services.intake,
        services.decision,
        clock,
        services.settle,
        plan,
        one_command_per_transaction=one_command_per_transaction,
    ).run()
    return services, stats


def _log(recorder: Any) -> list[tuple[int, str, bytes]]:
    return [(n.id, n.topic, n.state) for n in recorder.select_notifications(start=1, limit=10**7)]


def test_the_same_plan_gives_the_same_events(tmp_path: Path) -> None:
    first, stats = _simulate(tmp_path / "a", PLAN)
    second, again = _simulate(tmp_path / "b", PLAN)
    assert stats == again and stats.applications > 200 and stats.decided > 50
    for service in ("intake", "decision"):
        one = _log(getattr(first, service).recorder)
        other = _log(getattr(second, service).recorder)
        assert len(one) > 300 and one == other  # ids, times, payloads: byte for byte
    other_seed = SimulationPlan(PLAN.starts_on, PLAN.weeks, 0.01, seed=12)
    third, _ = _simulate(tmp_path / "c", other_seed)
    assert _log(third.intake.recorder) != _log(first.intake.recorder)
    for services in (first, second, third):
        services.close()


def test_batched_commands_give_the_same_events_as_one_command_per_transaction(tmp_path: Path) -> None:
    batched, stats = _simulate(tmp_path / "batched", PLAN)
    single, again = _simulate(tmp_path / "single", PLAN, one_command_per_transaction=True)
    assert stats == again
    for service in ("intake", "decision"):
        assert _log(getattr(batched, service).recorder) == _log(getattr(single, service).recorder)
    for services in (batched, single):
        services.close()


def test_the_tower_sees_what_was_simulated_and_nothing_was_refused(tmp_path: Path) -> None:
    services, stats = _simulate(tmp_path, PLAN)
    tower = services.backbone.tower
    assert stats.refused == 0  # the simulator's idea of each case agrees with the services'
    counts = tower.event_counts()
    assert counts["nl.ind.intake.ApplicationSubmitted"] == stats.applications
    assert (
        counts["nl.ind.intake.ApplicationAccepted"] == stats.accepted  # objections start in decision
    )
    assert counts["nl.ind.decision.ObjectionFiled"] == stats.per_procedure["objection"].inflow
    assert counts["nl.ind.decision.DecisionTaken"] == stats.decided
    assert counts.get("nl.ind.intake.ApplicationWithdrawn", 0) == stats.withdrawn
    open_in_decision = sum(
        r.open_cases for r in tower.workload() if r.stage not in ("in_intake", "waiting_on_applicant")
    )
    assert open_in_decision <= stats.open_cases  # cases waiting on the applicant in decision aside
    stages = {r.stage for r in tower.workload()}
    assert {"in_decision", "awaiting_issue"} <= stages
    services.close()


def test_more_capacity_decides_more_and_a_shock_brings_more(tmp_path: Path) -> None:
    base_services, base = _simulate(tmp_path / "base", PLAN)
    more = SimulationPlan(
        PLAN.starts_on,
        PLAN.weeks,
        PLAN.scale,
        PLAN.seed,
        capacity_changes=(CapacityChange("asylum", factor=3.0, from_week=2),),
    )
    more_services, boosted = _simulate(tmp_path / "more", more)
    assert boosted.per_procedure["asylum"].decided > base.per_procedure["asylum"].decided + 10
    assert boosted.per_procedure["asylum"].inflow == base.per_procedure["asylum"].inflow
    shocked_plan = SimulationPlan(
        PLAN.starts_on, PLAN.weeks, PLAN.scale, PLAN.seed, shocks=(Shock("asylum", date(2022, 8, 8), 2000),)
    )
    shocked_services, shocked = _simulate(tmp_path / "shock", shocked_plan)
    assert shocked.per_procedure["asylum"].inflow > base.per_procedure["asylum"].inflow + 100
    for services in (base_services, more_services, shocked_services):
        services.close()


def _cli(*arguments: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "composition.cli.main", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": "/usr/bin:/bin", "BACKBONE_DATA_DIR": str(tmp_path / "default")},
    )


def test_backbone_simulate_prints_json_and_refuses_to_write_over_events(tmp_path: Path) -> None:
    arguments = ["simulate", "--from", "2023-01-02", "--weeks", "3", "--scale", "0.01", "--json"]
    done = _cli(*arguments, "--data-dir", str(tmp_path / "sim"), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["weeks"] == 3 and summary["applications"] > 50 and summary["refused"] == 0
    assert summary["events"] > summary["applications"] and "asylum" in summary["per_procedure"]
    assert "simulating: 3/3 weeks" in done.stderr  # the progress bar, as lines when not a terminal
    again = _cli(*arguments, "--data-dir", str(tmp_path / "sim"), tmp_path=tmp_path)
    assert again.returncode != 0 and "already holds events" in again.stderr


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--shock", "asylum:2023-02-30"], "shock 'asylum:2023-02-30'"),
        (["--capacity", "asylum:+20"], "the change is +N%, -N% or xF"),
        (["--scale", "0"], "scale: more than 0"),
    ],
)
def test_bad_plans_are_refused_with_the_field_and_the_rule(
    tmp_path: Path, option: list[str], message: str
) -> None:
    done = _cli("simulate", "--weeks", "1", *option, "--data-dir", str(tmp_path / "x"), tmp_path=tmp_path)
    assert done.returncode != 0 and message in done.stderr
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())


class _Crash(Exception):
    """Stands for the process dying between two of decision's transactions."""


def test_a_simulation_crashed_mid_week_and_resumed_gives_the_events_of_one_run(tmp_path: Path) -> None:
    straight, stats = _simulate(tmp_path / "straight", PLAN)
    checkpoint = tmp_path / "crashed" / "checkpoint.json"
    clock = ManualClock(datetime.combine(PLAN.first_monday, time(8), tzinfo=UTC))
    crashed = EmbeddedServices(embedded_settings(tmp_path / "crashed"), clock)
    simulator = Simulator(crashed.intake, crashed.decision, clock, crashed.settle, PLAN)
    saves = 0

    def die_in_week_six(case: Any) -> None:  # after intake's week and some of decision's batches
        nonlocal saves
        if simulator.stats.weeks == 5:
            saves += 1
            if saves > 20:
                raise _Crash

    crashed.decision.before_save = die_in_week_six
    with pytest.raises(_Crash):
        simulator.run(checkpoint=checkpoint)
    assert simulator.stats.weeks == 5
    crashed.close()

    planned, state = read_checkpoint(checkpoint)
    assert plan_from_json(planned) == PLAN and state["weeks_done"] == 5
    clock = ManualClock(datetime.combine(PLAN.first_monday, time(8), tzinfo=UTC))
    resumed = EmbeddedServices(embedded_settings(tmp_path / "crashed"), clock)
    again = Simulator(resumed.intake, resumed.decision, clock, resumed.settle, plan_from_json(planned))
    again.restore(state)
    assert again.run() == stats
    for service in ("intake", "decision"):  # nothing lost, nothing twice: byte for byte the same
        assert _log(getattr(resumed, service).recorder) == _log(getattr(straight, service).recorder)
    assert resumed.backbone.tower.event_counts() == straight.backbone.tower.event_counts()
    for services in (straight, resumed):
        services.close()


def test_backbone_simulate_resumes_after_sigkill_and_goes_further(tmp_path: Path) -> None:
    plan = ["--from", "2023-01-02", "--scale", "0.01", "--json"]
    data = tmp_path / "killed"
    env = {"PATH": "/usr/bin:/bin", "BACKBONE_DATA_DIR": str(tmp_path / "default")}
    command = [sys.executable, "-m", "composition.cli.main", "simulate", *plan, "--weeks", "12"]
    process = subprocess.Popen(
        [*command, "--data-dir", str(data)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    checkpoint = data / "simulation-checkpoint.json"
    while process.poll() is None:  # killed as soon as three weeks are behind it
        if checkpoint.exists() and read_checkpoint(checkpoint)[1]["weeks_done"] >= 3:
            process.send_signal(signal.SIGKILL)
            break
        time_module.sleep(0.05)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the simulation ended before it could be killed"

    resumed = _cli("simulate", "--resume", "--data-dir", str(data), "--json", tmp_path=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    straight = _cli(*command[3:], "--data-dir", str(tmp_path / "straight"), tmp_path=tmp_path)
    assert json.loads(resumed.stdout)["applications"] == json.loads(straight.stdout)["applications"]
    for name in ("intake", "decision"):
        assert _sqlite_log(data / f"{name}.sqlite") == _sqlite_log(tmp_path / "straight" / f"{name}.sqlite")

    # carried further, and stopped by SIGTERM: after the week under way, with its checkpoint written
    further = subprocess.Popen(
        [*command[:3], "simulate", "--resume", "--weeks", "60", "--data-dir", str(data), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while read_checkpoint(checkpoint)[1]["weeks_done"] < 13 and further.poll() is None:
        time_module.sleep(0.05)
    further.send_signal(signal.SIGTERM)
    out, err = further.communicate(timeout=120)
    assert further.returncode == 3, err
    weeks = json.loads(out)["weeks"]
    assert 13 <= weeks < 60 and f"stopped after week {weeks} of 60" in err
    assert read_checkpoint(checkpoint)[1]["weeks_done"] == weeks
    done_already = _cli("simulate", "--resume", "--weeks", "5", "--data-dir", str(data), tmp_path=tmp_path)
    assert done_already.returncode != 0 and f"is not more than the {weeks} weeks" in done_already.stderr
    nowhere = _cli("simulate", "--resume", "--data-dir", str(tmp_path / "none"), tmp_path=tmp_path)
    assert nowhere.returncode != 0 and "cannot be read" in nowhere.stderr
    other_stores = tmp_path / "other"  # the checkpoint, but not the stores it was written with
    other_stores.mkdir()
    (other_stores / checkpoint.name).write_bytes(checkpoint.read_bytes())
    elsewhere = _cli("simulate", "--resume", "--data-dir", str(other_stores), tmp_path=tmp_path)
    assert elsewhere.returncode != 0 and "do not hold the checkpoint's last command" in elsewhere.stderr


def _sqlite_log(path: Path) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT rowid, topic, state FROM stored_events ORDER BY rowid").fetchall()
