"""A password refused by PostgreSQL is named in no error and no log line of the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backbone.settings import Settings

pytestmark = pytest.mark.postgres
REPO = Path(__file__).resolve().parents[2]
WRONG_PASSWORD = "not-the-Password-7c1"


def test_postgres_refusing_a_password_from_a_file_prints_and_logs_no_password(
    postgres_available: Settings, tmp_path: Path
) -> None:
    secret = tmp_path / "postgres-password"
    secret.write_text(WRONG_PASSWORD + "\n")
    settings = postgres_available.with_overrides(mode="distributed", data_dir=tmp_path)
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BACKBONE_", "CONTROL_TOWER_"))},
        **{k: v for k, v in settings.as_environment().items() if k != "BACKBONE_POSTGRES_PASSWORD"},
        "BACKBONE_POSTGRES_PASSWORD_FILE": str(secret),
        "BACKBONE_LOG_LEVEL": "debug",
        "BACKBONE_LIBRARY_LOG_LEVEL": "debug",
    }
    done = subprocess.run(
        [sys.executable, "-m", "composition.cli.main", "tower", "status"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert done.returncode != 0
    assert "password authentication failed" in done.stderr
    assert WRONG_PASSWORD not in done.stdout + done.stderr
