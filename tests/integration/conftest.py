"""Fixtures of the integration tests that more than one module uses."""

from tests.integration.legacy_world import legacy_world

__all__ = ["legacy_world"]
