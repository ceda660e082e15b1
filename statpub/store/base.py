"""The store's interface and where a store comes from (settings, environment)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
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


_opened: dict[tuple[str, str], Store] = {}
_opened_lock = threading.Lock()
# SQLite stores beyond this many are forgotten, oldest first (a test process opens hundreds; each is
# closed when no one holds it any more). PostgreSQL stores are kept: one per database, each with its
# pool's threads, closed by close_stores().
KEEP_SQLITE = 16


def _store(engine: str, where: str) -> Store:
    with _opened_lock:
        store = _opened.get((engine, where))
        if store is None:
            if engine == "sqlite":
                from statpub.store.sqlite import SQLiteStore

                store = SQLiteStore(Path(where))
            else:
                # psycopg is imported only when configured
                from statpub.store.postgresql import PostgreSQLStore

                store = PostgreSQLStore(where)
            _opened[(engine, where)] = store
            sqlite = [key for key in _opened if key[0] == "sqlite"]
            for key in sqlite[:max(0, len(sqlite) - KEEP_SQLITE)]:
                del _opened[key]
        return store


def close_stores() -> None:
    """Close every store `open_store` handed out in this process (a PostgreSQL store's pool keeps
    threads reconnecting otherwise, e.g. after its server is gone); the next call opens anew."""
    with _opened_lock:
        stores = list(_opened.values())
        _opened.clear()
    for store in stores:
        close = getattr(store, "close", None)
        if close is not None:
            close()


def open_store(settings: Settings) -> Store:
    """The store for these settings: PostgreSQL when `settings.database_url` is set
    (STATPUB_DATABASE_URL), else the SQLite file beside the snapshots. One object per place and
    process (it holds what it has migrated already, and for PostgreSQL its connection pool)."""
    url = getattr(settings, "database_url", None)
    if url:
        if not url.startswith(("postgresql://", "postgres://")):
            raise UserError(f"STATPUB_DATABASE_URL must start with postgresql:// (got {url.split(':', 1)[0]}://…)")
        return _store("postgresql", url)
    return _store("sqlite", str(Path(settings.warehouse_dir) / STORE_NAME))
