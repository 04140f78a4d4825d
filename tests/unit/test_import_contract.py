"""The layers are a contract (``[tool.importlinter]`` in pyproject.toml, checked by ``make lint``): the
backbone library imports nothing above it, services do not import each other, the domain does no I/O.
These tests run the real checker on the real tree, and on a copy that breaks the contract on purpose,
to show it would catch it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("composition", "simulation", "services", "ind", "backbone")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _check(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy_of_the_tree(target: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def test_the_tree_keeps_every_import_contract(tmp_path: Path) -> None:
    checked = _check(_copy_of_the_tree(tmp_path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "3 kept, 0 broken" in checked.stdout


def test_the_library_importing_a_service_breaks_the_layers(tmp_path: Path) -> None:
    tree = _copy_of_the_tree(tmp_path)
    codec = tree / "backbone" / "codec.py"
    codec.write_text(codec.read_text() + "\nimport services.intake.application.intake  # noqa\n")
    checked = _check(tree)
    assert checked.returncode != 0
    assert "Layers: the composition root" in checked.stdout
    assert "BROKEN" in checked.stdout
    assert "backbone.codec -> services.intake.application.intake" in checked.stdout


def test_a_domain_module_opening_a_database_breaks_the_no_io_rule(tmp_path: Path) -> None:
    tree = _copy_of_the_tree(tmp_path)
    case = tree / "services" / "decision" / "domain" / "case.py"
    case.write_text(case.read_text() + "\nimport sqlite3  # noqa\n")
    checked = _check(tree)
    assert checked.returncode != 0
    assert "The domain does no I/O" in checked.stdout
    assert "services.decision.domain.case -> sqlite3" in checked.stdout
