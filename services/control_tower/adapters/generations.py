"""Generations of the tower's views: a rebuild fills a new generation while the live one keeps serving,
then swaps it in.

Each generation lives in a place of its own (SQLite file ``control_tower_g<N>.sqlite`` in embedded mode,
PostgreSQL schema ``control_tower_g<N>`` in distributed mode). A small registry in the tower's home
store (``control_tower.sqlite`` / schema ``control_tower``) records every generation and which one is
live. Processes reading or filling the live views look at the registry about once a second and follow a
swap: they open the new generation and their consumers carry on from its tracked positions, so nothing
is lost or applied twice (positions and effects are in the same store, in the same transaction).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from backbone.runtime import runtime_for
from backbone.settings import Settings

HOME = "control_tower"
LIVE, BUILDING, RETIRED = "live", "building", "retired"
_CREATE = (
    "CREATE TABLE IF NOT EXISTS {table} (generation INTEGER PRIMARY KEY, state TEXT NOT NULL, "
    "created_at TEXT NOT NULL, swapped_at TEXT)"
)


def generation_place(generation: int) -> str:
    """The store name (SQLite file stem / PostgreSQL schema) of a generation of the views."""
    return f"{HOME}_g{generation}"


class ViewGenerations:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runtime = runtime_for(settings)
        self._lock = threading.Lock()
        self._connection: Any = None
        self._table = self.runtime.dialect.table(HOME, "view_generations")
        self._p = self.runtime.dialect.placeholder

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._lock:
            if self._connection is None:
                self._connection = self._connect()
            with self.runtime.dialect.exclusive(
                self._connection, self._table, self._drop_connection
            ) as cursor:
                yield cursor

    def _connect(self) -> Any:
        with self.runtime.creating():
            connection = self.runtime.connect(HOME)
            connection.execute(_CREATE.format(table=self._table))
        return connection

    def _drop_connection(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None

    def live(self) -> int:
        """The live generation; the first call on a new installation makes generation 1 live."""
        with self._transaction() as cursor:
            cursor.execute(f"SELECT MAX(generation) FROM {self._table} WHERE state = {self._p}", (LIVE,))
            row = cursor.fetchone()
            if row is not None and row[0] is not None:
                return int(row[0])
            first = self._next(cursor)
            self._insert(cursor, first, LIVE)
            return first

    def start_next(self) -> int:
        """Register a new generation being built (not live until swapped in)."""
        with self._transaction() as cursor:
            generation = self._next(cursor)
            self._insert(cursor, generation, BUILDING)
            return generation

    def swap_in(self, generation: int) -> int:
        """Make ``generation`` live; returns the generation it replaced."""
        with self._transaction() as cursor:
            cursor.execute(f"SELECT state FROM {self._table} WHERE generation = {self._p}", (generation,))
            row = cursor.fetchone()
            if row is None or row[0] != BUILDING:
                raise ValueError(f"generation {generation} is not being built (state: {row and row[0]})")
            cursor.execute(f"SELECT MAX(generation) FROM {self._table} WHERE state = {self._p}", (LIVE,))
            previous = cursor.fetchone()[0]
            now = datetime.now(UTC).isoformat()
            cursor.execute(
                f"UPDATE {self._table} SET state = {self._p} WHERE state = {self._p}", (RETIRED, LIVE)
            )
            cursor.execute(
                f"UPDATE {self._table} SET state = {self._p}, swapped_at = {self._p} "
                f"WHERE generation = {self._p}",
                (LIVE, now, generation),
            )
            return int(previous) if previous is not None else 0

    def states(self) -> dict[int, str]:
        with self._transaction() as cursor:
            cursor.execute(f"SELECT generation, state FROM {self._table} ORDER BY generation")
            return {int(g): str(s) for g, s in cursor.fetchall()}

    def drop_unused(self, keep: int) -> list[int]:
        """Delete the places of generations that are neither live nor ``keep`` (retired ones, and
        builds that never finished); returns the generations dropped. A retired generation is dropped
        only by the next rebuild, so readers that followed the swap have long let go of it."""
        live = self.live()
        dropped = []
        for generation, state in self.states().items():
            if generation in (live, keep) or state == LIVE:
                continue
            self._drop_place(generation)
            with self._transaction() as cursor:
                cursor.execute(f"DELETE FROM {self._table} WHERE generation = {self._p}", (generation,))
            dropped.append(generation)
        return dropped

    def _drop_place(self, generation: int) -> None:
        self.runtime.drop_store(generation_place(generation))

    def _next(self, cursor: Any) -> int:
        cursor.execute(f"SELECT MAX(generation) FROM {self._table}")
        row = cursor.fetchone()
        return (int(row[0]) if row is not None and row[0] is not None else 0) + 1

    def _insert(self, cursor: Any, generation: int, state: str) -> None:
        cursor.execute(
            f"INSERT INTO {self._table} (generation, state, created_at) "
            f"VALUES ({self._p}, {self._p}, {self._p})",
            (generation, state, datetime.now(UTC).isoformat()),
        )

    def close(self) -> None:
        with self._lock:
            self._drop_connection()
