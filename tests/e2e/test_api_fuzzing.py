"""Schemathesis against the real app in embedded mode (SQLite in a tmp dir), through ASGI: every
operation with generated valid and invalid requests, every check Schemathesis has, and one of our own —
a rejected request records nothing. Derandomized, so a run is repeatable; about a minute in all."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis import Case

from backbone.service import id_for_key
from composition.embedded import EmbeddedBackbone
from services.audit.replay import replay_case
from services.intake.application.commands import (
    AcceptApplication,
    ClassifyApplication,
    NotifyDefect,
    WithdrawApplication,
)
from tests.api_access import api_app, bearer
from tests.factories import a_submission, clock, embedded_settings

KEYS = [f"fuzzed-{n}" for n in range(6)]
KNOWN = [str(id_for_key(key)) for key in KEYS]  # the applications below, named before they exist
# Per operation: 46 operations in about 30 s. BACKBONE_FUZZ_EXAMPLES=500 fuzzes deeper, by hand.
EXAMPLES = int(os.environ.get("BACKBONE_FUZZ_EXAMPLES", "40"))


class Fuzzed:
    """The app under test, and applications and cases in the states worth reaching."""

    def __init__(self, tmp_path: Path) -> None:
        self.backbone = EmbeddedBackbone(embedded_settings(tmp_path), clock=clock())
        system = self.backbone.system
        self.app = api_app(
            self.backbone.intake,
            self.backbone.decision,
            lambda: self.backbone.tower,
            access_log=system.access_log,
            case_history=lambda case_id: replay_case(system.settings, system.codec, case_id),
        )
        intake = self.backbone.intake
        for key, (procedure, steps) in zip(
            KEYS,
            [
                ("family", [AcceptApplication()]),
                ("asylum", []),
                ("naturalisation", []),
                ("study", [WithdrawApplication(withdrawn_on=a_day())]),
                (
                    "family",
                    [NotifyDefect(notified_on=a_day(), remedy_by=a_day(28), missing=["passport_copy"])],
                ),
                ("asylum", [ClassifyApplication(track="general", complexity="low")]),
            ],
            strict=True,
        ):
            fields: dict[str, Any] = {"procedure": procedure}
            if procedure == "asylum":
                fields["channel"] = "application_centre"
            application_id = intake.submit_application(a_submission(**fields), idempotency_key=key)
            for command in steps:
                intake.execute(application_id, command)
        self.backbone.settle()

    def positions(self) -> tuple[int | None, int | None]:
        return (
            self.backbone.intake.recorder.max_notification_id(),
            self.backbone.decision.recorder.max_notification_id(),
        )


def a_day(later: int = 0) -> date:
    return clock().now().date() - timedelta(days=3) + timedelta(days=later)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    fuzzed = Fuzzed(tmp_path_factory.mktemp("fuzzed"))
    yield fuzzed
    fuzzed.backbone.close()


# Every check, as configured by default, but one: a schema-valid request may still get a 422, for rules
# across fields (a renewal names its previous permit) and about today (no day after it) that JSON Schema
# does not say. Its other statuses stay as Schemathesis expects.
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
            }
        }
    }
)
schema = schemathesis.openapi.from_path(Path(__file__).parents[2] / "docs" / "openapi.json", config=CONFIG)


@schema.auth()
class EveryRole:
    """A development issuer's token holding every role, so the fuzzer reaches every operation's rules;
    Schemathesis leaves it out, or spoils it, where it tests that a token is required."""

    def get(self, case: Case, context: Any) -> str:
        return bearer()["Authorization"]

    def set(self, case: Case, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": data}


@schema.hook
def flatmap_path_parameters(_: Any, path_parameters: dict[str, Any]) -> Any:
    # Half the requests name an application (or its case) that exists, so the rules behind a 404 are
    # fuzzed too.
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([*KNOWN, value])
            if name in ("application_id", "case_id")
            else st.just(value)
            for name, value in path_parameters.items()
        }
    )


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_request_as_documented_and_a_rejected_one_records_nothing(
    case: Case, fuzzed: Fuzzed
) -> None:
    fuzzed.backbone.settle()
    before = fuzzed.positions()
    # The schema is read from the committed document; its requests, and the probes of its checks
    # (ignored_auth sends each operation again without a token and with a bad one), go to this app.
    case.operation.schema.app = fuzzed.app
    response = case.call_and_validate(app=fuzzed.app)
    if response.status_code >= 400:
        after = fuzzed.positions()
        assert after == before, (
            f"{case.method} {case.formatted_path} → {response.status_code} recorded events"
        )
