"""The simulator's legacy share: applications of the procedures the routing table gives the legacy
case system are registered and worked there, not through intake (which would refuse them).

Two desks, one per mode: in distributed mode the caseworkers work the real legacy database
(``LegacyCaseworkers``) and Debezium carries every change to the legacy bridge; in embedded mode they
work the tables in memory (``LegacyLedger``) and each night the whole tables are written out as an
extract, which ``import_night`` brings in through the same bridge. Deterministic for a seed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Protocol

from ind.procedures import Procedure
from services.legacy_bridge.domain.legacy_codes import ZAAKTYPE_PROCEDURES
from simulation.legacy_system.caseworkers import LegacyCaseworkers
from simulation.legacy_system.extract_writer import write_extract
from simulation.legacy_system.ledger import LegacyLedger

ZAAKTYPES = {procedure: zaaktype for zaaktype, procedure in ZAAKTYPE_PROCEDURES.items()}
# A caseworker's actions a day per ten open legacy cases: a case moves about once in two weeks.
ACTIONS_PER_TEN_OPEN = 1


def zaaktype_of(procedure: str) -> str:
    """The legacy system's case type of a backbone procedure; a procedure it has none for cannot be
    routed to the legacy (the routing table must not try)."""
    try:
        return ZAAKTYPES[Procedure(procedure)]
    except (KeyError, ValueError):
        raise ValueError(f"the legacy case system has no zaaktype for procedure {procedure}") from None


class LegacyDesk(Protocol):
    registered: int

    def register(self, procedure: str, today: date) -> None:
        """An application of ``procedure`` received today, registered in the legacy system."""
        ...

    def close_day(self, today: date) -> None:
        """The day's casework on the open legacy cases, then the night: the batch (and the extract)."""
        ...

    def close(self) -> None: ...


def _actions(open_cases: int) -> int:
    return (open_cases * ACTIONS_PER_TEN_OPEN + 9) // 10


class LedgerDesk:
    """Embedded: the tables in memory, an extract each night, imported by ``import_night``."""

    def __init__(self, *, seed: int, extracts: Path, import_night: Callable[[Path], object]) -> None:
        self.ledger = LegacyLedger(seed=seed, today=date.min)
        self.extracts = extracts
        self.import_night = import_night
        self.registered = 0
        self._last: Path | None = None

    def register(self, procedure: str, today: date) -> None:
        self.ledger.today = today
        self.ledger.register_case(zaaktype_of(procedure))
        self.registered += 1

    def close_day(self, today: date) -> None:
        self.ledger.today = today
        self.ledger.work_cases(_actions(len(self.ledger.open_cases())))
        self.ledger.nightly_batch()
        folder = write_extract(
            self.extracts, today, self.ledger.zaken.values(), self.ledger.statussen.values()
        )
        self.import_night(folder)
        if self._last is not None and self._last != folder:
            shutil.rmtree(self._last, ignore_errors=True)  # the legacy system keeps last night's only
        self._last = folder

    def close(self) -> None:
        """The last extract stays, for whoever wants to look at it."""


class CaseworkersDesk:
    """Distributed: caseworkers on the real legacy database; Debezium captures what they do."""

    def __init__(self, caseworkers: LegacyCaseworkers) -> None:
        self.caseworkers = caseworkers
        self.registered = 0

    def register(self, procedure: str, today: date) -> None:
        self.caseworkers.today = today
        self.caseworkers.register_case(zaaktype_of(procedure))
        self.registered += 1

    def close_day(self, today: date) -> None:
        self.caseworkers.today = today
        self.caseworkers.work_cases(_actions(len(self.caseworkers.open_cases())))
        self.caseworkers.nightly_batch()

    def close(self) -> None:
        self.caseworkers.close()
