"""Fixtures the unit tests share."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from backbone.clock import ManualClock
from composition.simulated import EmbeddedServices
from simulation.plan import SimulationPlan
from simulation.simulator import Simulator
from tests.factories import embedded_settings
from tests.local_issuer import LocalIssuer, running_issuer

AUDITED_PLAN = SimulationPlan(starts_on=date(2024, 3, 4), weeks=3, scale=0.01, seed=5)


@pytest.fixture(scope="session")
def simulated_ind(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three weeks of a small simulated IND in embedded stores (intake.sqlite, decision.sqlite); copy
    them (``tests.factories.copy_of``) before changing anything."""
    data = tmp_path_factory.mktemp("simulated-ind")
    clock = ManualClock(datetime.combine(AUDITED_PLAN.first_monday, time(8), tzinfo=UTC))
    services = EmbeddedServices(embedded_settings(data), clock)
    Simulator(services.intake, services.decision, clock, services.settle, AUDITED_PLAN).run()
    services.close()
    return data


@pytest.fixture
def local_issuer() -> Iterator[LocalIssuer]:
    """A real HTTP issuer on 127.0.0.1 serving a discovery document and a JWKS the test controls."""
    yield from running_issuer()
