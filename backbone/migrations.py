"""Versioned migrations of the tables that events cannot rebuild (the personal-data vault's): numbered
SQL files applied in order by yoyo-migrations, each once, and recorded in the store beside the tables
(``_yoyo_migration``), so a store says which version it is at and an upgrade knows what is left to do.

Applying is idempotent and takes yoyo's lock (a row in ``yoyo_lock``), so processes that start together
apply each migration once. A process killed while holding it leaves its row: ``break_lock`` removes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from yoyo import read_migrations
from yoyo.backends import DatabaseBackend, get_backend_class
from yoyo.connections import DatabaseURI
from yoyo.exceptions import LockTimeout
from yoyo.migrations import default_migration_table

from backbone.errors import BackboneError

LOCK_TIMEOUT_SECONDS = 30  # far longer than applying the vault's migrations takes


class MigrationFailed(BackboneError):
    """A store's migrations could not be read or applied; nothing of the failed migration is kept."""


@dataclass(frozen=True)
class MigrationState:
    id: str  # the file's name without .sql, e.g. 0001.vault-tables
    applied: bool


class Migrations:
    """The migrations in ``source`` (yoyo's ``package:<package>:<directory>``) of the store at
    ``database``; ``where`` names the store in messages (the URI holds the password)."""

    def __init__(self, database: DatabaseURI, source: str, *, where: str) -> None:
        self._database = database
        self._source = source
        self.where = where
        self.lock_timeout: float = LOCK_TIMEOUT_SECONDS

    def states(self) -> list[MigrationState]:
        """Every migration, in order, and whether this store has it."""
        with self._backend() as backend:
            applied = set(backend.get_applied_migration_hashes())
            return [MigrationState(m.id, m.hash in applied) for m in self._migrations()]

    def apply(self) -> list[str]:
        """Apply the migrations this store does not have yet; the ids applied now, in order."""
        with self._backend() as backend:
            try:
                with backend.lock(timeout=self.lock_timeout):
                    pending = backend.to_apply(self._migrations())
                    backend.apply_migrations(pending)
                    # yoyo logs a migration it cannot load and goes on without it
                    if missed := [m.id for m in backend.to_apply(self._migrations())]:
                        raise MigrationFailed(f"{self.where}: cannot apply {', '.join(missed)}")
            except LockTimeout as error:
                raise MigrationFailed(
                    f"{self.where}: another process has held the migration lock for "
                    f"{self.lock_timeout:g} s ({error}); if none is migrating, `backbone privacy "
                    "migrate --break-lock` removes the lock a killed process left"
                ) from error
            return [migration.id for migration in pending]

    def break_lock(self) -> None:
        """Remove the migration lock, left by a process that was killed while migrating."""
        with self._backend() as backend:
            backend.break_lock()

    def _migrations(self) -> Any:
        migrations = read_migrations(self._source)
        if not migrations:
            raise MigrationFailed(f"no migrations in {self._source}: the package is incomplete")
        return migrations

    @contextmanager
    def _backend(self) -> Iterator[DatabaseBackend]:
        backend = self._open()
        with backend:  # closes its connection
            try:
                yield backend
            except backend.DatabaseError as error:
                raise MigrationFailed(f"{self.where}: a migration failed: {_named(error)}") from error

    def _open(self) -> DatabaseBackend:
        """yoyo's ``get_backend``, given the URI's parts rather than its text."""
        backend = None
        try:  # yoyo connects in the constructor: the driver's errors, or its own
            backend = get_backend_class(self._database.scheme)(self._database, default_migration_table)
            backend.init_database()
        except Exception as error:
            if backend is not None:
                backend.connection.close()
            problem = f"{self.where}: cannot be opened for migrations: {_named(error)}"
            raise MigrationFailed(problem) from error
        return backend


def _named(error: BaseException) -> str:
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first_line}"
