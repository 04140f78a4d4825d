"""When each case was first seen in decision's store: a thread reads decision's notification log as it
grows, five times a second, and notes the time of every ``CaseOpened``. It outlives PostgreSQL's
restarts (it opens the store again after an error)."""

from __future__ import annotations

import threading
import time

from backbone.settings import Settings
from composition.system import System

CASE_OPENED = "nl.ind.decision.CaseOpened"


class CaseWatcher:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.opened_at: dict[str, float] = {}  # case id -> monotonic time first seen
        self.errors = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="case-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _watch(self) -> None:
        system: System | None = None
        position = 0
        while not self._stop.wait(0.2):
            try:
                if system is None:
                    system = System(self.settings)
                recorder = system.decision.recorder
                while notifications := recorder.select_notifications(start=position + 1, limit=1000):
                    now = time.monotonic()
                    for notification in notifications:
                        if notification.topic == CASE_OPENED:
                            self.opened_at.setdefault(str(notification.originator_id), now)
                    position = notifications[-1].id
            except Exception:  # the store is away (a restart): open it again next time
                self.errors += 1
                if system is not None:
                    _close_quietly(system)
                system = None
        if system is not None:
            _close_quietly(system)


def _close_quietly(system: System) -> None:
    try:
        system.close()
    except Exception:  # closing a connection to a server that went away
        pass
