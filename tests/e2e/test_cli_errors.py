"""The ``backbone`` command's errors, run as the real command: an unknown id, a refused command and an
invalid one each end with their own exit code and one clear line on standard error (one JSON object with
``--json``), standard output empty and no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from composition.embedded import EmbeddedBackbone
from services.intake.application.commands import AcceptApplication
from tests.factories import a_submission, clock, embedded_settings

UNKNOWN = "00000000-0000-4000-8000-00000000dead"


@dataclass(frozen=True)
class Ran:
    exit_code: int
    stdout: str
    stderr: str

    def error(self) -> dict[str, Any]:
        """The JSON error: the last line on standard error (log lines may come before it)."""
        document: dict[str, Any] = json.loads(self.stderr.strip().splitlines()[-1])["error"]
        return document


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, UUID]]:
    """Stores with one accepted family application, and so one case in decision."""
    data = tmp_path_factory.mktemp("cli-errors")
    backbone = EmbeddedBackbone(embedded_settings(data), clock=clock())
    application_id = backbone.intake.submit_application(a_submission())
    backbone.intake.execute(application_id, AcceptApplication())
    backbone.settle()
    backbone.close()
    yield data, application_id


def backbone(data: Path, *arguments: str) -> Ran:
    done = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", *arguments],
        env={**os.environ, "BACKBONE_MODE": "embedded", "BACKBONE_DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def test_an_unknown_id_is_named_in_one_line_with_the_not_found_exit_code(
    data_dir: tuple[Path, UUID],
) -> None:
    data, _ = data_dir
    for arguments, what in (
        (("decision", "show", UNKNOWN), "case"),
        (("intake", "accept", UNKNOWN), "application"),
        (
            ("decision", "assign", UNKNOWN, "--team", "family-1", "--officer-ref", "O-00000000000000a1"),
            "case",
        ),
    ):
        ran = backbone(data, *arguments)
        assert ran.exit_code == 6, ran.stderr
        assert ran.stderr.strip().splitlines()[-1] == f"backbone: no {what} {UNKNOWN}"
        assert "Traceback" not in ran.stderr and ran.stdout == ""


@pytest.mark.parametrize("command", [("decision", "show"), ("tower", "case"), ("audit", "case")])
def test_with_json_an_unknown_id_is_a_json_error_on_stderr_and_nothing_on_stdout(
    data_dir: tuple[Path, UUID], command: tuple[str, str]
) -> None:
    purpose = ("--purpose", "internal-audit") if command == ("audit", "case") else ()
    ran = backbone(data_dir[0], *command, UNKNOWN, "--json", *purpose)
    assert ran.exit_code == 6, ran.stderr
    assert ran.stdout == "" and "Traceback" not in ran.stderr
    assert ran.error() == {"code": "not_found", "message": f"no case {UNKNOWN}", "exit_code": 6}


def test_a_command_the_state_refuses_exits_5_and_says_why(data_dir: tuple[Path, UUID]) -> None:
    data, application_id = data_dir
    again = backbone(data, "intake", "accept", str(application_id))
    assert again.exit_code == 5, again.stderr
    assert again.stderr.strip().splitlines()[-1].startswith("backbone: ") and again.stdout == ""
    as_json = backbone(data, "intake", "accept", str(application_id), "--json")
    assert as_json.exit_code == 5 and as_json.stdout == ""
    assert as_json.error()["code"] == "rule_violation" and as_json.error()["exit_code"] == 5


def test_an_invalid_command_exits_4_and_names_each_field_and_rule(data_dir: tuple[Path, UUID]) -> None:
    data, application_id = data_dir
    ran = backbone(data, "intake", "pay-fee", str(application_id), "--paid-on", "soon", "--json")
    assert ran.exit_code == 4, ran.stderr
    assert ran.stdout == "" and "Traceback" not in ran.stderr
    error = ran.error()
    assert error["code"] == "invalid_command" and error["exit_code"] == 4
    assert {p["field"] for p in error["problems"]} == {"paid_on", "amount_cents"}
    assert {p["rule"] for p in error["problems"] if p["field"] == "amount_cents"} == {"missing"}
    plain = backbone(data, "intake", "pay-fee", str(application_id), "--paid-on", "soon")
    assert plain.exit_code == 4 and plain.stdout == ""
    assert plain.stderr.strip().splitlines()[-1].startswith("backbone: PayFee rejected, nothing recorded")


def test_a_usage_error_keeps_argparse_s_exit_code_and_text(data_dir: tuple[Path, UUID]) -> None:
    data, _ = data_dir
    ran = backbone(data, "decision", "show", "not-an-id")
    assert ran.exit_code == 2 and ran.stderr.startswith("usage: backbone decision show")
    assert "backbone decision show: error: argument case_id: invalid UUID value" in ran.stderr


def test_version_prints_the_package_version(data_dir: tuple[Path, UUID]) -> None:
    ran = backbone(data_dir[0], "--version")
    assert ran.exit_code == 0 and ran.stdout.startswith("backbone ") and ran.stdout.strip() != "backbone"
