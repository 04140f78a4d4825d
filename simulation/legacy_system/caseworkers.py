"""Caseworkers at work in the legacy system: rows inserted, updated in place, corrected and deleted,
as the old application did it (the status in the case row, a history row beside it, no events).

Every choice comes from a seeded random and every date from the driver's own day, so a run can be
repeated; the database and its transactions are real.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from types import TracebackType

import psycopg

from backbone.settings import Settings
from simulation.legacy_system.codes import (
    BEZWAARTERMIJN_DAGEN,
    NEXT_STATUSES,
    TEAMS,
    ZAAKTYPES,
)
from simulation.legacy_system.people import an_address, an_applicant
from simulation.legacy_system.schema import legacy_dsn

Connection = psycopg.Connection[tuple[object, ...]]
CASEWORKERS = ("jdevries", "mbakker", "svisser", "tsmit", "ameijer", "rdekker")


class LegacyCaseworkers:
    """Works the legacy tables over one connection, a transaction per unit of work (a new
    connection each time would cost ~10 ms of password hashing). Close it, or use it in ``with``."""

    def __init__(self, connection: Connection, *, seed: int, today: date) -> None:
        self._connection = connection
        self._rng = random.Random(seed)
        self.today = today

    @classmethod
    def on_database(cls, settings: Settings, *, seed: int, today: date) -> LegacyCaseworkers:
        """Caseworkers on the legacy database that ``settings`` name (``legacy_database``)."""
        return cls(psycopg.connect(legacy_dsn(settings), autocommit=True), seed=seed, today=today)

    def __enter__(self) -> LegacyCaseworkers:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._connection.close()

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        with self._connection.transaction():
            yield self._connection

    def next_day(self) -> None:
        self.today += timedelta(days=1)

    def _now(self) -> datetime:
        return datetime.combine(self.today, time(self._rng.randint(8, 17), self._rng.randint(0, 59)))

    def register_case(self, zaaktype: str | None = None) -> str:
        """A new case at the counter: the row with the applicant in it, and its first status."""
        zaaktype = zaaktype or self._rng.choice(list(ZAAKTYPES))
        person = an_applicant(self._rng)
        with self._connect() as connection:
            row = connection.execute("SELECT nextval('zaaknummer_reeks')").fetchone()
            assert row is not None
            zaaknummer = f"Z{self.today.year}-{int(str(row[0])):07d}"
            connection.execute(
                "INSERT INTO zaken (zaaknummer, zaaktype, status, datum_ontvangst, team, naam,"
                " geboortedatum, bsn, nationaliteit, adres, gewijzigd_op)"
                " VALUES (%s, %s, 'ONTV', %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    zaaknummer,
                    zaaktype,
                    self.today,
                    self._rng.choice(TEAMS),
                    person.naam,
                    person.geboortedatum,
                    person.bsn,
                    person.nationaliteit,
                    person.adres,
                    self._now(),
                ),
            )
            self._record_status(connection, zaaknummer, "ONTV", "aanvraag ontvangen")
        return zaaknummer

    def change_status(self, zaaknummer: str, status: str, toelichting: str = "") -> None:
        """The case row updated in place, and a history row beside it."""
        with self._connect() as connection:
            connection.execute(
                "UPDATE zaken SET status = %s, gewijzigd_op = %s,"
                " behandelaar = COALESCE(behandelaar, %s),"
                " datum_besluit = CASE WHEN %s = 'BESL' THEN %s ELSE datum_besluit END"
                " WHERE zaaknummer = %s",
                (status, self._now(), self._rng.choice(CASEWORKERS), status, self.today, zaaknummer),
            )
            self._record_status(connection, zaaknummer, status, toelichting)

    def advance(self, zaaknummer: str) -> str | None:
        """Move a case to one of the statuses its current one allows; None when it is final."""
        with self._connect() as connection:
            row = connection.execute(
                "SELECT status FROM zaken WHERE zaaknummer = %s", (zaaknummer,)
            ).fetchone()
        if row is None or not NEXT_STATUSES[str(row[0])]:
            return None
        status = self._rng.choice(NEXT_STATUSES[str(row[0])])
        self.change_status(zaaknummer, status)
        return status

    def correct(self, zaaknummer: str) -> None:
        """A correction of earlier data: a moved applicant, a mistyped receipt date, or a history
        row whose date was wrong (the old application let caseworkers edit all three)."""
        kind = self._rng.choice(("adres", "datum_ontvangst", "historie"))
        with self._connect() as connection:
            if kind == "adres":
                connection.execute(
                    "UPDATE zaken SET adres = %s, gewijzigd_op = %s WHERE zaaknummer = %s",
                    (an_address(self._rng), self._now(), zaaknummer),
                )
            elif kind == "datum_ontvangst":
                connection.execute(
                    "UPDATE zaken SET datum_ontvangst = datum_ontvangst - %s,"
                    " opmerkingen = concat_ws('; ', opmerkingen, 'ontvangstdatum gecorrigeerd'),"
                    " gewijzigd_op = %s WHERE zaaknummer = %s",
                    (self._rng.randint(1, 5), self._now(), zaaknummer),
                )
            else:
                connection.execute(
                    "UPDATE zaak_statussen SET datum_status = datum_status - 1,"
                    " toelichting = concat_ws('; ', toelichting, 'datum gecorrigeerd')"
                    " WHERE id = (SELECT min(id) FROM zaak_statussen WHERE zaaknummer = %s)",
                    (zaaknummer,),
                )

    def delete_case(self, zaaknummer: str) -> None:
        """A case registered in error, removed with its history (the old way: gone, no trace)."""
        with self._connect() as connection:
            connection.execute("DELETE FROM zaak_statussen WHERE zaaknummer = %s", (zaaknummer,))
            connection.execute("DELETE FROM zaken WHERE zaaknummer = %s", (zaaknummer,))

    def nightly_batch(self) -> int:
        """Close decided cases whose objection period has passed; returns how many."""
        cutoff = self.today - timedelta(days=BEZWAARTERMIJN_DAGEN)
        stamp = datetime.combine(self.today, time(2, 0))
        with self._connect() as connection:
            closed = connection.execute(
                "UPDATE zaken SET status = 'AFGH', gewijzigd_op = %s"
                " WHERE status = 'BESL' AND datum_besluit < %s RETURNING zaaknummer",
                (stamp, cutoff),
            ).fetchall()
            for (zaaknummer,) in closed:
                connection.execute(
                    "INSERT INTO zaak_statussen (zaaknummer, status, datum_status, toelichting,"
                    " geregistreerd_op) VALUES (%s, 'AFGH', %s, 'nachtbatch', %s)",
                    (zaaknummer, self.today, stamp),
                )
        return len(closed)

    def work_day(self, actions: int) -> None:
        """A day's mix: new cases, status changes, corrections, now and then a deletion."""
        for _ in range(actions):
            open_cases = self.open_cases()
            roll = self._rng.random()
            if not open_cases or roll < 0.35:
                self.register_case()
            elif roll < 0.85:
                self.advance(self._rng.choice(open_cases))
            elif roll < 0.97:
                self.correct(self._rng.choice(open_cases))
            else:
                self.delete_case(self._rng.choice(open_cases))
        self.nightly_batch()
        self.next_day()

    def work_cases(self, actions: int) -> None:
        """A day's work on the open cases only (new cases come from elsewhere: the simulator's
        inflow): status changes, corrections, now and then a deletion."""
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
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT zaaknummer FROM zaken WHERE status NOT IN ('BESL', 'AFGH', 'INTR')"
                " ORDER BY zaaknummer"
            ).fetchall()
        return [str(r[0]) for r in rows]

    def _record_status(
        self, connection: psycopg.Connection[tuple[object, ...]], zaaknummer: str, status: str, note: str
    ) -> None:
        connection.execute(
            "INSERT INTO zaak_statussen (zaaknummer, status, datum_status, toelichting, geregistreerd_op)"
            " VALUES (%s, %s, %s, %s, %s)",
            (zaaknummer, status, self.today, note or None, self._now()),
        )
