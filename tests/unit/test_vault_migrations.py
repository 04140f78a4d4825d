"""The personal-data vault's migrations on SQLite (tests/vault_migration_contract.py), and
``backbone privacy migrate``, which shows and applies them."""

from __future__ import annotations

import json
import sqlite3
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

from backbone.migrations import MigrationFailed
from backbone.sql_dialect import POSTGRES, SQLITE
from composition.cli.main import main
from composition.parts import vault_migrations_of
from services.intake.adapters.personal_data_vault import MIGRATIONS_PACKAGE
from tests.factories import embedded_settings
from tests.vault_migration_contract import VaultMigrationContract

ROOT = Path(__file__).resolve().parents[2]


class TestSQLiteVaultMigrations(VaultMigrationContract):
    @pytest.fixture(autouse=True)
    def _settings(self, tmp_path: Path) -> None:
        self.settings = embedded_settings(tmp_path)


def migrate(capsys: pytest.CaptureFixture[str], *options: str) -> dict[str, Any]:
    assert main(["privacy", "migrate", "--json", *options]) == 0
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


def test_privacy_migrate_shows_the_pending_migrations_on_a_dry_run_then_applies_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BACKBONE_MODE", "embedded")
    monkeypatch.setenv("BACKBONE_DATA_DIR", str(tmp_path))
    dry = migrate(capsys, "--dry-run")
    assert dry["dry_run"] is True
    assert [m["state"] for m in dry["migrations"]] == ["pending"] * len(dry["migrations"])
    ids = [m["id"] for m in dry["migrations"]]
    assert ids[0] == "0001.vault-tables"
    applied = migrate(capsys)
    assert applied["migrations"] == [{"id": i, "state": "applied_now"} for i in ids]
    again = migrate(capsys)
    assert again["migrations"] == [{"id": i, "state": "applied"} for i in ids]


def test_privacy_migrate_says_what_it_does_in_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["privacy", "migrate", "--help"])
    shown = capsys.readouterr().out
    assert "--dry-run" in shown and "--break-lock" in shown and "cannot rebuild" in shown


def test_every_vault_migration_ships_in_the_package() -> None:
    """The migrations are package data: a file the globs in pyproject.toml miss is not installed."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = project["tool"]["setuptools"]["package-data"][MIGRATIONS_PACKAGE]
    package = ROOT / MIGRATIONS_PACKAGE.replace(".", "/")
    files = [path.relative_to(package) for path in package.rglob("*.sql")]
    assert {path.parent.name for path in files} == {SQLITE.name, POSTGRES.name}
    assert all(any(fnmatch(str(path), glob) for glob in globs) for path in files)


def test_a_lock_left_by_a_killed_process_is_named_and_broken_on_request(tmp_path: Path) -> None:
    settings = embedded_settings(tmp_path)
    vault_migrations_of(settings).states()  # yoyo's own tables, its lock table among them
    with sqlite3.connect(tmp_path / "intake.sqlite") as connection:  # what a killed migrator leaves
        connection.execute("INSERT INTO yoyo_lock (locked, ctime, pid) VALUES (1, '2026-11-02', 4242)")
    migrations = vault_migrations_of(settings)
    migrations.lock_timeout = 0.2
    with pytest.raises(MigrationFailed, match="4242.*backbone privacy migrate --break-lock"):
        migrations.apply()
    migrations.break_lock()
    assert migrations.apply() == [state.id for state in migrations.states()]
