"""The periodic reconciliation of the legacy database with the tower, in ``backbone serve``: the
process that serves the tower's views, its ``/metrics`` and the dashboard, which show its last result.

Here rather than in ``backbone run legacy-bridge``: what is reconciled is what the tower shows, and the
bridge has no business reading the tower's store; and here rather than in ``backbone run tower``: the
result is kept in memory where it is read (the next run repeats it), so it needs no table of its own in
the tower's generations, which a rebuild would have to carry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import structlog

from backbone.clock import Clock
from backbone.settings import Settings
from composition.legacy_reconcile import reconcile_legacy
from services.control_tower.adapters.tower_store import TowerStore
from services.control_tower.domain.reconciliation import Reconciliation

log = structlog.get_logger("backbone.legacy_reconcile")


class PeriodicReconciliation:
    def __init__(self, settings: Settings, tower: Callable[[], TowerStore], clock: Clock) -> None:
        self.settings, self.tower, self.clock = settings, tower, clock
        self.interval = settings.legacy_reconcile_interval  # seconds; 0: not run
        self._last: Reconciliation | None = None
        self._lock = threading.Lock()

    def last(self) -> Reconciliation | None:
        with self._lock:
            return self._last

    def run_once(self) -> Reconciliation | None:
        """Reconcile now; a failure (the legacy database away) is logged and keeps the last result."""
        try:
            result = reconcile_legacy(self.settings, self.tower, self.clock)
        except Exception:
            log.exception("legacy_reconcile_failed")
            return None
        with self._lock:
            self._last = result
        log.info(
            "legacy_reconciled",
            compared=result.compared,
            differences=len(result.differences),
            unexplained=len(result.unexplained),
            caught_up=result.caught_up,
        )
        return result

    def start(self, stop: threading.Event) -> threading.Thread:
        """Reconcile at once and then every ``interval`` seconds until ``stop``."""

        def loop() -> None:
            while True:
                self.run_once()
                if stop.wait(self.interval):
                    return

        thread = threading.Thread(target=loop, name="legacy-reconcile", daemon=True)
        thread.start()
        return thread
