"""The legacy tables in memory, worked as ``LegacyCaseworkers`` works the database: for the embedded
mode, which has no PostgreSQL, and whose legacy cases reach the backbone by nightly extracts. The same
actions and code lists (a row per case updated in place, a history row beside it, corrections, now and
then a deletion, the nightly batch); seeded, so a run can be repeated."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from simulation.legacy_system.caseworkers import CASEWORKERS
from simulation.legacy_system.codes import BEZWAARTERMIJN_DAGEN, NEXT_STATUSES, TEAMS, ZAAKTYPES
from simulation.legacy_system.people import an_address, an_applicant

FINAL = ("BESL", "AFGH", "INTR")


class LegacyLedger:
    def __init__(self, *, seed: int, today: date) -> None:
        self._rng = random.Random(seed)
        self.today = today
        self.zaken: dict[str, dict[str, Any]] = {}
        self.statussen: dict[int, dict[str, Any]] = {}
        self._numbers = self._history_ids = 0

    def _now(self) -> datetime:
        return datetime.combine(self.today, time(self._rng.randint(8, 17), self._rng.randint(0, 59)))

    def register_case(self, zaaktype: str | None = None) -> str:
        zaaktype = zaaktype or self._rng.choice(list(ZAAKTYPES))
        person = an_applicant(self._rng)
        self._numbers += 1
        zaaknummer = f"Z{self.today.year}-{self._numbers:07d}"
        self.zaken[zaaknummer] = {
            "zaaknummer": zaaknummer,
            "zaaktype": zaaktype,
            "status": "ONTV",
            "datum_ontvangst": self.today,
            "datum_besluit": None,
            "behandelaar": None,
            "team": self._rng.choice(TEAMS),
            "naam": person.naam,
            "geboortedatum": person.geboortedatum,
            "bsn": person.bsn,
            "nationaliteit": person.nationaliteit,
            "adres": person.adres,
            "opmerkingen": None,
            "gewijzigd_op": self._now(),
        }
        self._record_status(zaaknummer, "ONTV", "aanvraag ontvangen")
        return zaaknummer

    def change_status(self, zaaknummer: str, status: str, toelichting: str = "") -> None:
        row = self.zaken[zaaknummer]
        row.update(status=status, gewijzigd_op=self._now())
        row["behandelaar"] = row["behandelaar"] or self._rng.choice(CASEWORKERS)
        if status == "BESL":
            row["datum_besluit"] = self.today
        self._record_status(zaaknummer, status, toelichting)

    def advance(self, zaaknummer: str) -> str | None:
        nexts = NEXT_STATUSES[self.zaken[zaaknummer]["status"]]
        if not nexts:
            return None
        status = self._rng.choice(nexts)
        self.change_status(zaaknummer, status)
        return status

    def correct(self, zaaknummer: str) -> None:
        kind = self._rng.choice(("adres", "datum_ontvangst", "historie"))
        row = self.zaken[zaaknummer]
        if kind == "adres":
            row.update(adres=an_address(self._rng), gewijzigd_op=self._now())
        elif kind == "datum_ontvangst":
            row["datum_ontvangst"] -= timedelta(days=self._rng.randint(1, 5))
            remarks = (row["opmerkingen"], "ontvangstdatum gecorrigeerd")
            row["opmerkingen"] = "; ".join(filter(None, remarks))
            row["gewijzigd_op"] = self._now()
        else:
            first = min(i for i, s in self.statussen.items() if s["zaaknummer"] == zaaknummer)
            self.statussen[first]["datum_status"] -= timedelta(days=1)

    def delete_case(self, zaaknummer: str) -> None:
        del self.zaken[zaaknummer]
        for entry_id in [i for i, s in self.statussen.items() if s["zaaknummer"] == zaaknummer]:
            del self.statussen[entry_id]

    def nightly_batch(self) -> int:
        cutoff = self.today - timedelta(days=BEZWAARTERMIJN_DAGEN)
        stamp = datetime.combine(self.today, time(2, 0))
        closed = [
            z for z, row in self.zaken.items() if row["status"] == "BESL" and row["datum_besluit"] < cutoff
        ]
        for zaaknummer in closed:
            self.zaken[zaaknummer].update(status="AFGH", gewijzigd_op=stamp)
            self._record_status(zaaknummer, "AFGH", "nachtbatch", at=stamp)
        return len(closed)

    def work_cases(self, actions: int) -> None:
        """A day's work on the open cases: status changes, corrections, now and then a deletion."""
        for _ in range(actions):
            open_cases = self.open_cases()
            if not open_cases:
                return
            roll, zaaknummer = self._rng.random(), self._rng.choice(open_cases)
            if roll < 0.8:
                self.advance(zaaknummer)
            elif roll < 0.97:
                self.correct(zaaknummer)
            else:
                self.delete_case(zaaknummer)

    def open_cases(self) -> list[str]:
        return sorted(z for z, row in self.zaken.items() if row["status"] not in FINAL)

    def _record_status(self, zaaknummer: str, status: str, note: str, at: datetime | None = None) -> None:
        self._history_ids += 1
        self.statussen[self._history_ids] = {
            "id": self._history_ids,
            "zaaknummer": zaaknummer,
            "status": status,
            "datum_status": self.today,
            "toelichting": note or None,
            "geregistreerd_op": at or self._now(),
        }
