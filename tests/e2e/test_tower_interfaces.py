"""The tower's newer views through their interfaces: team and target-group breakdowns, work in progress
over time, daily flow, time in stage, forecast and a case's timeline, in the JSON API (with filters) and
the terminal (``--json``), over one generated history."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from composition.embedded import EmbeddedBackbone
from services.control_tower.domain.forecast import held_out_error
from simulation.plan import SimulationPlan
from simulation.simulator import Simulator
from tests.api_access import signed_in_api
from tests.factories import embedded_settings, simulation_clock

EIGHT_WEEKS = SimulationPlan(starts_on=date(2026, 4, 6), weeks=8, scale=0.03, seed=4)
# Half a year of complete weeks (26), and the week the clock stops in.
HALF_A_YEAR = SimulationPlan(starts_on=date(2026, 1, 5), weeks=27, scale=0.0033, seed=8)


@pytest.fixture(scope="module")
def tower(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path, date]]:
    data_dir = tmp_path_factory.mktemp("tower")
    clock = simulation_clock(EIGHT_WEEKS)
    backbone = EmbeddedBackbone(embedded_settings(data_dir), clock=clock)
    Simulator(backbone.intake, backbone.decision, clock, backbone.settle, EIGHT_WEEKS).run()
    yield (
        signed_in_api(backbone.intake, backbone.decision, lambda: backbone.tower),
        data_dir,
        (clock.now().date()),
    )
    backbone.close()


def cli(data_dir: Path, *arguments: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", "tower", *arguments, "--json"],
        env={**os.environ, "BACKBONE_MODE": "embedded", "BACKBONE_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_workload_by_team_adds_up_and_the_team_filter_keeps_one_team(
    tower: tuple[TestClient, Path, date],
) -> None:
    api, data_dir, _ = tower
    plain = api.get("/v1/tower/workload").json()
    by_team = api.get("/v1/tower/workload", params={"group_by": "team"}).json()
    by_group = api.get("/v1/tower/workload", params={"group_by": "target_group"}).json()
    total = sum(r["open_cases"] for r in plain)
    assert total > 300
    assert sum(r["open_cases"] for r in by_team) == total == sum(r["open_cases"] for r in by_group)
    teams = Counter[str]()
    for row in by_team:
        if row["team"]:
            teams[row["team"]] += row["open_cases"]
    team, cases = teams.most_common(1)[0]
    only = api.get("/v1/tower/workload", params={"team": team}).json()
    assert sum(r["open_cases"] for r in only) == cases
    assert {r["procedure"] for r in only} == {team.rsplit("-", 1)[0]}
    assert {"project-syria", "project-eritrea"} <= {r["target_group"] for r in by_group}
    wip_team = api.get("/v1/tower/wip", params={"weeks": 1, "team": team}).json()["weeks"]
    assert 0 < sum(r["open_cases"] for r in wip_team) <= cases
    risk_all = api.get("/v1/tower/deadline-risk").json()
    risk_team = api.get("/v1/tower/deadline-risk", params={"team": team}).json()
    assert 0 < sum(risk_team["buckets"].values()) < sum(risk_all["buckets"].values())
    assert api.get("/v1/tower/workload", params={"group_by": "officer"}).status_code == 422
    assert cli(data_dir, "teams") == by_team


def test_work_in_progress_over_time_ends_at_the_open_undecided_cases_today(
    tower: tuple[TestClient, Path, date],
) -> None:
    api, data_dir, today = tower
    wip = api.get("/v1/tower/wip", params={"weeks": 10}).json()["weeks"]
    ends = sorted({r["week_end"] for r in wip})
    assert len(ends) == 10 and ends[-1] == str(today)
    now = sum(r["open_cases"] for r in wip if r["week_end"] == str(today))
    risk = api.get("/v1/tower/deadline-risk").json()  # open, undecided cases with or without a deadline
    aging = api.get("/v1/tower/aging").json()
    assert now == sum(risk["buckets"].values()) <= sum(aging["age_bands"].values())
    # Counted again from the case facts: received by the week's end and not decided nor ended by then.
    with sqlite3.connect(data_dir / "control_tower_g1.sqlite") as db:
        facts = db.execute("SELECT received_on, decided_on, ended_on FROM tower_case_facts").fetchall()
    for end in ends:
        expected = sum(
            1
            for received, decided, ended in facts
            if received and received <= end and (decided or ended or "9999") > end
        )
        assert sum(r["open_cases"] for r in wip if r["week_end"] == end) == expected
    asylum = api.get("/v1/tower/wip", params={"weeks": 10, "procedure": "asylum"}).json()["weeks"]
    assert asylum == [r for r in wip if r["procedure"] == "asylum"]
    assert cli(data_dir, "wip", "--weeks", "10", "--today", str(today)) == {"weeks": wip}


def test_daily_flow_sums_to_the_weekly_flow(tower: tuple[TestClient, Path, date]) -> None:
    api, _, today = tower
    weekly = api.get("/v1/tower/throughput", params={"weeks": 2}).json()["weeks"]
    daily = api.get("/v1/tower/throughput", params={"weeks": 2, "granularity": "day"}).json()["days"]
    last_week_start = today - timedelta(days=today.weekday() + 7)
    in_last_week = [
        d for d in daily if last_week_start <= date.fromisoformat(d["day"]) < last_week_start + timedelta(7)
    ]
    (week,) = {w["week"] for w in weekly if w["week"] != max(x["week"] for x in weekly)}
    assert sum(d["inflow"] for d in in_last_week) == sum(w["inflow"] for w in weekly if w["week"] == week)
    assert sum(d["outflow"] for d in in_last_week) == sum(w["outflow"] for w in weekly if w["week"] == week)
    assert sum(d["inflow"] for d in in_last_week) > 0


def test_time_in_stage_forecast_and_case_timeline(tower: tuple[TestClient, Path, date]) -> None:
    api, data_dir, today = tower
    stages = api.get("/v1/tower/stage-times").json()
    assert {"in_decision", "waiting_on_applicant"} <= {r["stage"] for r in stages}
    assert all(r["visits"] > 0 and r["mean_days"] >= 0 for r in stages)
    assert any(r["mean_days"] > 0 for r in stages)
    assert cli(data_dir, "stage-times") == stages

    forecast = api.get("/v1/tower/forecast", params={"procedure": "asylum"}).json()
    (asylum,) = forecast["procedures"]
    assert len(asylum["forecast"]) == 12 and len(asylum["backlog"]) == 12
    assert asylum["history"] and sum(w["inflow"] for w in asylum["history"]) > 0
    assert all(w["low"] <= w["inflow"] <= w["high"] for w in asylum["forecast"])
    assert asylum["held_out"] is None  # eight weeks of history: too little to hold twelve out
    assert "recent level" in asylum["method"]
    assert cli(data_dir, "forecast", "--procedure", "asylum", "--today", str(today)) == forecast

    overdue_or_waiting = api.get("/v1/tower/aging").json()["longest_waiting"][0]["case_id"]
    case = api.get(f"/v1/tower/cases/{overdue_or_waiting}").json()
    events = [e["event"] for e in case["timeline"]]
    assert events[0] == "ApplicationSubmitted" and "CaseOpened" in events
    assert [e["at"] for e in case["timeline"]] == sorted(e["at"] for e in case["timeline"])
    assert all("meta" not in e["detail"] for e in case["timeline"])
    assert (
        cli(data_dir, "case", overdue_or_waiting, "--today", str(today))
        == api.get(f"/v1/tower/cases/{overdue_or_waiting}", params={"today": str(today)}).json()
    )
    missing = api.get("/v1/tower/cases/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and "no event" in missing.json()["detail"]


def test_half_a_year_of_history_gives_a_forecast_with_its_held_out_error(tmp_path: Path) -> None:
    clock = simulation_clock(HALF_A_YEAR)
    backbone = EmbeddedBackbone(embedded_settings(tmp_path), clock=clock)
    intake, decision = backbone.intake, backbone.decision
    Simulator(intake, decision, clock, backbone.settle, HALF_A_YEAR).run()
    api = signed_in_api(intake, decision, lambda: backbone.tower)
    document = api.get("/v1/tower/forecast").json()
    by_procedure = {p["procedure"]: p for p in document["procedures"]}
    busiest = max(by_procedure.values(), key=lambda p: sum(w["inflow"] for w in p["history"]))
    held_out = busiest["held_out"]
    assert held_out is not None and held_out["weeks"] == 12
    # The error is what the forecast from the first 13 weeks missed in the last 12, recomputed here.
    history = [w["inflow"] for w in busiest["history"]]
    # complete weeks only: the last, still running (the clock stops on its Friday), is left out
    assert len(history) == HALF_A_YEAR.weeks - 1
    first_week = date.fromisoformat(busiest["history"][0]["week_start"])
    recomputed = held_out_error(history, first_week, 12)
    assert recomputed is not None and held_out["mae"] == round(recomputed.mae, 2)
    assert 0 <= held_out["mae"] <= max(history)
    assert busiest["open_now"] > 0 and busiest["decisions_per_week"] > 0
    expected_backlog = busiest["open_now"]
    for week, point in zip(busiest["forecast"], busiest["backlog"], strict=True):
        expected_backlog = max(0.0, expected_backlog + week["inflow"] - busiest["decisions_per_week"])
        assert abs(point["open_cases"] - expected_backlog) <= 0.2 * 12  # rounding of the shown figures
    backbone.close()


def test_what_if_more_capacity_against_the_baseline_in_the_api_and_the_terminal(
    tower: tuple[TestClient, Path, date],
) -> None:
    api, data_dir, today = tower
    query = {"capacity": "asylum:+50%:1", "inflow": "family:x2:0:4", "weeks": "12", "target": "50"}
    document = api.get("/v1/tower/whatif", params={**query, "today": str(today)}).json()
    asylum = next(p for p in document["procedures"] if p["procedure"] == "asylum")
    family = next(p for p in document["procedures"] if p["procedure"] == "family")
    assert asylum["open_now"] > 0 and asylum["decisions_per_week"] > 0
    base, more = asylum["baseline"]["weeks"], asylum["scenario"]["weeks"]
    assert base[0] == more[0]  # nothing changes before week 1
    assert more[-1]["open_cases"] < base[-1]["open_cases"]
    assert sum(w["decisions"] for w in more) > sum(w["decisions"] for w in base)
    assert [w["arrivals"] for w in more] == [w["arrivals"] for w in base]  # capacity only
    surge = [
        s - b
        for s, b in zip(
            (w["arrivals"] for w in family["scenario"]["weeks"]),
            (w["arrivals"] for w in family["baseline"]["weeks"]),
            strict=True,
        )
    ]
    assert all(d > 0 for d in surge[:4]) and all(d == 0 for d in surge[4:])  # doubled for four weeks
    total = document["total"]["scenario"]["weeks"][-1]["open_cases"]
    assert total == pytest.approx(
        sum(p["scenario"]["weeks"][-1]["open_cases"] for p in document["procedures"]), abs=0.5
    )
    arguments = [f"--{k}={v}" for k, v in query.items() if k != "weeks"]
    assert cli(data_dir, "whatif", *arguments, "--weeks", "12", "--today", str(today)) == document
    text = subprocess.run(
        [
            sys.executable,
            "-m",
            "composition.cli.main",
            "tower",
            "whatif",
            *arguments,
            "--today",
            str(today),
        ],
        env={**os.environ, "BACKBONE_MODE": "embedded", "BACKBONE_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "capacity asylum x1.5 from week 1" in text and "under target from" in text
    refused = api.get("/v1/tower/whatif", params={"inflow": "asylum:twice"})
    assert refused.status_code == 422 and "inflow 'asylum:twice'" in refused.json()["detail"]
