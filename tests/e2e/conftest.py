"""What the end-to-end tests of the HTTP API share: an embedded backbone and a client signed in to it.
A test module that needs another backbone defines its own fixture of the same name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from composition.embedded import EmbeddedBackbone
from tests.api_access import signed_in_api
from tests.factories import clock, embedded_settings


@pytest.fixture
def backbone(tmp_path: Path) -> Iterator[Any]:
    backbone = EmbeddedBackbone(embedded_settings(tmp_path), clock=clock())
    yield backbone
    backbone.close()


@pytest.fixture
def client(backbone: Any) -> TestClient:
    return signed_in_api(backbone.intake, backbone.decision, lambda: backbone.tower)
