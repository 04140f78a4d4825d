"""What differs between the two databases the stores use, in one place: the statements' placeholder,
the binary column type, how a table is named inside a service's schema, how a row is claimed, and
how a small table is held exclusively for a read-then-write. A store asks its dialect, never the mode."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class SqlDialect(ABC):
    name: str
    placeholder: str
    blob: str  # the column type of raw bytes
    lock_for_update: str  # appended to a SELECT that claims the rows it reads
    bulk_copy: bool  # COPY ... FROM STDIN, rather than one executemany per table
    secure_delete: str | None  # run before deleting a secret, so that its bytes are overwritten on disk

    @abstractmethod
    def table(self, schema: str, name: str) -> str:
        """``name`` in ``schema``'s store, as a statement writes it."""

    @abstractmethod
    @contextmanager
    def exclusive(self, connection: Any, table: str, reconnect: Callable[[], None]) -> Iterator[Any]:
        """A cursor in a transaction that no other writer of ``table`` runs beside; ``reconnect`` is
        called when the transaction fails and the connection may be broken."""


class SQLiteDialect(SqlDialect):
    name, placeholder, blob = "sqlite", "?", "BLOB"
    lock_for_update = ""  # SQLite: one writer at a time anyway
    bulk_copy = False
    secure_delete = "PRAGMA secure_delete = ON"

    def table(self, schema: str, name: str) -> str:
        return name  # a store is a file of its own

    @contextmanager
    def exclusive(self, connection: Any, table: str, reconnect: Callable[[], None]) -> Iterator[Any]:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection.cursor()
        except BaseException:
            connection.rollback()
            raise
        connection.commit()


class PostgresDialect(SqlDialect):
    name, placeholder, blob = "postgres", "%s", "BYTEA"
    lock_for_update = " FOR UPDATE"
    bulk_copy = True
    secure_delete = None  # PostgreSQL: its regular VACUUM reclaims the space

    def table(self, schema: str, name: str) -> str:
        return f'"{schema}".{name}'

    @contextmanager
    def exclusive(self, connection: Any, table: str, reconnect: Callable[[], None]) -> Iterator[Any]:
        try:
            with connection.transaction(), connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
                yield cursor
        except BaseException:
            reconnect()
            raise


SQLITE = SQLiteDialect()
POSTGRES = PostgresDialect()
