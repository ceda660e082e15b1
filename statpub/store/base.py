"""The store's interface and where a store comes from (settings, environment)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from statpub.kernel.config import Settings
from statpub.kernel.errors import UserError

STORE_NAME = "operational.sqlite"


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """What features use: `execute` with `?` placeholders; rows by name (`row["name"]`) or index."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Cursor: ...


class Store(Protocol):
    dialect: str  # "sqlite" | "postgresql"
    Error: type[Exception]  # the engine's base error, to catch store failures portably
    IntegrityError: type[Exception]  # a constraint refused the write (unique, check, append-only)

    def connect(self) -> AbstractContextManager[Connection]:
        """A connection in autocommit mode."""

    def transaction(self) -> AbstractContextManager[Connection]:
        """One transaction holding the store's write lock from its start: two such blocks (in any
        worker, on any node) never interleave, so check-then-write code is safe. Committed when the
        block ends, rolled back if it raises."""

    def migrate(self, namespace: str, folder: Path) -> None:
        """Apply the migrations of `folder` not yet recorded for `namespace`, once per process."""


@lru_cache(maxsize=16)
def _sqlite_store(path: Path) -> Store:
    from statpub.store.sqlite import SQLiteStore

    return SQLiteStore(path)


@lru_cache(maxsize=16)
def _postgresql_store(url: str) -> Store:
    from statpub.store.postgresql import PostgreSQLStore  # psycopg is imported only when configured

    return PostgreSQLStore(url)


def open_store(settings: Settings) -> Store:
    """The store for these settings: PostgreSQL when `settings.database_url` is set
    (STATPUB_DATABASE_URL), else the SQLite file beside the snapshots. One object per place and
    process (it holds what it has migrated already, and for PostgreSQL its connection pool)."""
    url = getattr(settings, "database_url", None)
    if url:
        if not url.startswith(("postgresql://", "postgres://")):
            raise UserError(f"STATPUB_DATABASE_URL must start with postgresql:// (got {url.split(':', 1)[0]}://…)")
        return _postgresql_store(url)
    return _sqlite_store(Path(settings.warehouse_dir) / STORE_NAME)
