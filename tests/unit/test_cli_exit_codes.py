"""The ``backbone`` command's exit codes, run in-process through ``main``: every command given an id
that does not exist says so in one line with the not-found code; an unreachable store, bad settings and a
bug each exit 7 (a bug with its traceback); the codes are listed in ``--help`` and the README."""

from __future__ import annotations

import enum
import json
import re
import typing
from datetime import date
from importlib.metadata import version
from pathlib import Path

import pytest
from pydantic import BaseModel

from composition.cli import main as cli
from composition.cli.exit_codes import MEANINGS, ExitCode
from composition.cli.intake_cmd import ACTIONS
from composition.system import System
from services.decision.application.commands import COMMANDS

UNKNOWN = "00000000-0000-4000-8000-00000000beef"
README = Path(__file__).parents[2] / "README.md"
EXAMPLE_TEXT = {"officer_ref": "O-00000000000000a1"}  # fields whose text follows a pattern


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def example_options(model: type[BaseModel]) -> list[str]:
    """Options that give each required field of ``model`` a valid value (of a past day, for dates)."""
    options = []
    for name, field in model.model_fields.items():
        if not field.is_required():
            continue
        annotation = field.annotation
        schema = model.model_json_schema()["properties"][name]
        codes = schema.get("enum") or schema.get("items", {}).get("enum")
        values: list[str]
        if codes:  # a code of one of the IND's code lists, or a list of them
            values = [str(codes[0])]
        elif annotation is date:
            values = ["2026-01-05"]
        elif annotation is int:
            values = ["1"]
        elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            values = [str(next(iter(annotation)).value)]
        elif typing.get_origin(annotation) is list:
            values = ["something"]
        else:
            values = [EXAMPLE_TEXT.get(name, "something")]
        options += [f"--{name.replace('_', '-')}", *values]
    return options


def test_every_command_given_an_unknown_id_names_it_and_exits_6(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BACKBONE_MODE", "embedded")
    monkeypatch.setenv("BACKBONE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BACKBONE_LOG_LEVEL", "warning")
    commands = [
        *(
            (["intake", action, UNKNOWN, *example_options(model)], "application")
            for action, (_, model) in ACTIONS.items()
        ),
        *(
            (["decision", action, UNKNOWN, *example_options(model)], "case")
            for action, model in COMMANDS.items()
        ),
        (["decision", "show", UNKNOWN], "case"),
        (["privacy", "show", UNKNOWN, "--purpose", "identity-check"], "application"),
    ]
    for argv, what in commands:
        code, out, err = run(capsys, *argv)
        assert (code, out, err) == (6, "", f"backbone: no {what} {UNKNOWN}\n"), argv
        code, out, err = run(capsys, *argv, "--json")
        assert code == 6 and out == "", argv
        assert json.loads(err) == {
            "error": {"code": "not_found", "message": f"no {what} {UNKNOWN}", "exit_code": 6}
        }


def test_a_decision_command_missing_a_field_is_an_invalid_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BACKBONE_MODE", "embedded")
    monkeypatch.setenv("BACKBONE_DATA_DIR", str(tmp_path))
    code, out, err = run(capsys, "decision", "assign", UNKNOWN, "--team", "family-1", "--json")
    assert code == 4 and out == ""
    problems = json.loads(err.splitlines()[-1])["error"]["problems"]
    assert problems == [{"field": "officer_ref", "rule": "missing", "message": "Field required"}]


def test_an_unreachable_store_exits_7_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKBONE_MODE", "distributed")
    monkeypatch.setenv("BACKBONE_POSTGRES_PORT", "1")  # nothing listens there
    code, out, err = run(capsys, "intake", "accept", UNKNOWN)
    assert code == 7 and out == "" and "Traceback" not in err
    assert err.startswith("backbone: psycopg.OperationalError: connection failed") and err.count("\n") == 1
    code, out, err = run(capsys, "intake", "accept", UNKNOWN, "--json")
    assert code == 7 and json.loads(err)["error"]["code"] == "unavailable"


def test_invalid_settings_exit_7_naming_the_setting(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKBONE_POSTGRES_POOL_SIZE", "many")
    code, out, err = run(capsys, "intake", "accept", UNKNOWN, "--json")
    error = json.loads(err)["error"]
    assert code == 7 and out == "" and error["code"] == "configuration"
    assert "BACKBONE_POSTGRES_POOL_SIZE" in error["message"]


def test_a_bug_exits_7_and_shows_its_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> System:
        raise RuntimeError("a bug")

    monkeypatch.setattr(System, "from_env", broken)
    code, out, err = run(capsys, "intake", "accept", UNKNOWN)
    assert code == 7 and out == "" and err.startswith("Traceback (most recent call last)")
    assert err.splitlines()[-1] == (
        "backbone: unexpected error (a bug; its traceback is above): RuntimeError: a bug"
    )
    code, out, err = run(capsys, "intake", "accept", UNKNOWN, "--json")
    error = json.loads(err)["error"]
    assert code == 7 and error["code"] == "unexpected" and "RuntimeError: a bug" in error["traceback"]


def test_ctrl_c_exits_130(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted() -> System:
        raise KeyboardInterrupt

    monkeypatch.setattr(System, "from_env", interrupted)
    assert run(capsys, "intake", "accept", UNKNOWN)[0] == 130


def test_a_usage_error_with_json_is_a_json_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "decision", "show", "--json")
    assert code == 2 and out == ""
    assert json.loads(err)["error"] == {
        "code": "usage",
        "message": "the following arguments are required: case_id",
        "exit_code": 2,
    }


def test_version_prints_the_installed_package_s_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"backbone {version('ind-case-backbone')}\n"


def test_help_and_the_readme_list_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    help_text = cli.build_parser().format_help()
    readme_rows = dict(re.findall(r"^\| (\d+) \| (.+) \|$", README.read_text(), re.MULTILINE))
    for code in ExitCode:
        assert re.search(rf"^\s+{code.value}  ", help_text, re.MULTILINE), code
        assert readme_rows[str(code.value)] == MEANINGS[code], code
