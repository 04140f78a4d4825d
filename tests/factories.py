"""Readable test data and small builders shared by the test levels."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from uuid import UUID

from backbone.clock import ManualClock
from backbone.codec import AvroCodec
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings
from composition.parts import build_decision, build_decision_consumer
from services.intake.application.commands import (
    AcceptApplication,
    SubmitApplication,
    parse_submission,
)
from simulation.plan import SimulationPlan

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def simulation_clock(plan: SimulationPlan) -> ManualClock:
    """The clock of ``plan``'s simulation: its first Monday, before the work (the simulator moves it)."""
    return ManualClock(datetime.combine(plan.first_monday, time(8), tzinfo=UTC))


def codec() -> AvroCodec:
    return AvroCodec(SchemaCatalog.load())


def clock() -> ManualClock:
    return ManualClock(NOW)


def embedded_settings(tmp_path: Path, **overrides: Any) -> Settings:
    return Settings(mode="embedded", data_dir=tmp_path, **overrides)


def an_application(**overrides: Any) -> dict[str, Any]:
    application: dict[str, Any] = {
        "procedure": "family",
        "channel": "online",
        "received_on": date(2026, 10, 30),
        "applicant_ref": "P-00000000000000a1",
        "nationality": "SYR",
    }
    application.update(overrides)
    return application


def a_submission(**overrides: Any) -> SubmitApplication:
    """``an_application`` as the command intake takes; a broken field raises ``InvalidCommand``."""
    return parse_submission(an_application(**overrides))


def a_decision_with_a_case(tmp_path: Path, intake: Any, *, keep_cases: int = 0) -> tuple[Any, UUID]:
    """Decision, with the case its consumer opened for a newly accepted application in ``intake``."""
    settings = embedded_settings(tmp_path)
    application_id: UUID = intake.submit_application(a_submission())
    intake.execute(application_id, AcceptApplication())
    decision = build_decision(settings, codec=codec(), clock=clock())
    if keep_cases:
        decision.keep_cases(keep_cases)
    build_decision_consumer(
        decision, settings, codec=codec(), intake_log=intake.recorder
    ).run_until_caught_up(idle_timeout=0)
    return decision, application_id


def copy_of(stores: Path, tmp_path: Path) -> Path:
    """The embedded stores in ``stores`` copied into ``tmp_path``, to change without touching them."""
    for name in ("intake.sqlite", "decision.sqlite"):
        (tmp_path / name).write_bytes((stores / name).read_bytes())
    return tmp_path
