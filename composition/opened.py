"""The system as a command or the API opens it: intake, decision and the tower's live views, with the
consumers caught up. In embedded mode they run in this process (``EmbeddedBackbone``); in distributed
mode they run as processes of their own (``backbone run ...``), so there is nothing to catch up here."""

from __future__ import annotations

from typing import Protocol

from composition.embedded import EmbeddedBackbone
from composition.system import System
from services.control_tower.adapters.live_views import LiveViews
from services.control_tower.adapters.tower_store import TowerStore
from services.decision.application.decision import Decision
from services.intake.application.intake import Intake


class Backbone(Protocol):
    system: System

    @property
    def intake(self) -> Intake: ...

    @property
    def decision(self) -> Decision: ...

    @property
    def tower(self) -> TowerStore: ...

    def settle(self) -> None: ...

    def close(self) -> None: ...


class DistributedBackbone:
    """The stores of a distributed system, read and written from here; its consumers run elsewhere."""

    def __init__(self, system: System) -> None:
        self.system = system
        self._live: LiveViews | None = None

    @property
    def intake(self) -> Intake:
        return self.system.intake

    @property
    def decision(self) -> Decision:
        return self.system.decision

    @property
    def tower(self) -> TowerStore:
        if self._live is None:
            self._live = self.system.live_views()
        return self._live.current()

    def settle(self) -> None:
        """The consumers are processes of their own: nothing to wait for here."""

    def close(self) -> None:
        self.system.close()


def open_backbone(system: System) -> Backbone:
    if system.runtime.one_process:
        return EmbeddedBackbone(system.settings, system=system)
    return DistributedBackbone(system)
