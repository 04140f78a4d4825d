"""Readable test data and small builders shared by the test levels."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from backbone.clock import ManualClock
from backbone.codec import AvroCodec
from backbone.schemas import SchemaCatalog
from backbone.settings import Settings

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


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
