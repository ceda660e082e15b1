"""The store on PostgreSQL (`STATPUB_DATABASE_URL=postgresql://…`): one operational store shared by
every worker of every app node.

Same interface as the SQLite store, so no feature is written twice:
- SQL keeps `?` placeholders; they become psycopg's `%s` outside string literals, quoted names and
  comments (a `?` or `%` inside a literal stays what it is). Values are always bound, never spliced.
- Rows read by name or by position, like sqlite3.Row (`row["x"]`, `row[0]`, `dict(row)`, unpacking).
- `transaction()` gives the guarantee SQLite's BEGIN IMMEDIATE gives: one writer at a time. It takes
  a transaction-scoped advisory lock (`pg_advisory_xact_lock`) before the block runs, so two
  check-then-write blocks — on any worker of any node — never interleave; the lock goes with the
  commit or rollback. A write made outside `transaction()` (autocommit, through `connect()`) takes
  the same lock for its one statement, as a SQLite write takes the file's write lock, so it cannot
  slip between another block's check and its write. Reads take no lock (as readers in WAL mode).
- `migrate()` runs under that lock, in one transaction per namespace (DDL is transactional here):
  several workers starting at once apply each file exactly once; a failing file leaves nothing.

Connections come from a small pool per process (psycopg_pool), made after a fork on first use, so
gunicorn workers never share a socket.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from statpub.store.migrations import migration_files

# One key for "the store's write lock" (any 64-bit number no other application on the database uses).
WRITE_LOCK_KEY = 0x5354_4154_5055_4231  # "STATPUB1"
_LEDGER = ("CREATE TABLE IF NOT EXISTS store_migrations (namespace TEXT NOT NULL, number INTEGER NOT NULL, "
           "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (namespace, number))")
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "WITH", "CREATE", "DROP", "ALTER", "TRUNCATE"})


class Row(Sequence):
    """A result row readable like sqlite3.Row: by position, by column name, `keys()`, `dict(row)`."""

    __slots__ = ("_values", "_index")

    def __init__(self, values: Sequence[Any], index: dict[str, int]):
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key):
        if isinstance(key, str):
            try:
                return self._values[self._index[key]]
            except KeyError:
                raise IndexError(f"no column named {key!r}") from None
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self):
        return iter(self._values)

    def __eq__(self, other) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Row | tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=True))!r})"


def _row_factory(cursor: psycopg.Cursor):
    names = [column.name for column in cursor.description or ()]
    index = {name: position for position, name in enumerate(names)}
    return lambda values: Row(values, index)


@lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """`?` → `%s` outside '…' literals, "…" names, $tag$…$tag$ bodies and comments; every `%`
    doubled (psycopg reads `%` anywhere in the text as the start of a placeholder)."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        end = _skip_quoted(sql, i)
        if end > i:
            out.append(sql[i:end].replace("%", "%%"))
            i = end
            continue
        out.append("%s" if c == "?" else "%%" if c == "%" else c)
        i += 1
    return "".join(out)


def _skip_quoted(sql: str, i: int) -> int:
    """The end of the literal, quoted name, dollar-quoted body or comment starting at i, else i."""
    c, rest = sql[i], sql[i:i + 2]
    if c in "'\"":
        j = i + 1
        while True:
            j = sql.find(c, j)
            if j < 0:
                return len(sql)
            if sql[j + 1:j + 2] == c:  # '' or "" is an escaped quote
                j += 2
                continue
            return j + 1
    if rest == "--":
        j = sql.find("\n", i)
        return len(sql) if j < 0 else j + 1
    if rest == "/*":
        j = sql.find("*/", i + 2)
        return len(sql) if j < 0 else j + 2
    if c == "$":
        j = sql.find("$", i + 1)
        tag = sql[i:j + 1] if j > 0 else ""
        if tag and (tag == "$$" or tag[1:-1].replace("_", "a").isalnum() and not tag[1].isdigit()):
            k = sql.find(tag, j + 1)
            return len(sql) if k < 0 else k + len(tag)
    return i


def _is_write(sql: str) -> bool:
    words = sql.lstrip(" \t\r\n(").split(None, 1)
    return bool(words) and words[0].upper() in _WRITES


class PostgreSQLConnection:
    """A pooled psycopg connection behind the store's Connection interface."""

    def __init__(self, raw: psycopg.Connection, *, in_transaction: bool):
        self.raw = raw
        self._in_transaction = in_transaction

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor:
        if not self._in_transaction and _is_write(sql):
            with self.raw.transaction():  # one statement, under the write lock like SQLite's
                self.raw.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])
                return self.raw.execute(translate(sql), list(params))
        return self.raw.execute(translate(sql), list(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> psycopg.Cursor:
        cursor = self.raw.cursor()
        if self._in_transaction:
            cursor.executemany(translate(sql), [list(r) for r in rows])
            return cursor
        with self.raw.transaction():
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])
            cursor.executemany(translate(sql), [list(r) for r in rows])
        return cursor


class PostgreSQLStore:
    dialect = "postgresql"
    Error = psycopg.Error
    IntegrityError = psycopg.IntegrityError

    def __init__(self, url: str, *, max_connections: int = 8):
        self.url = url
        self.max_connections = max_connections
        self._migrated: set[str] = set()
        self._lock = threading.Lock()  # migrations
        self._pool_lock = threading.Lock()
        self._pool: ConnectionPool | None = None
        self._pool_pid = 0

    def _get_pool(self) -> ConnectionPool:
        if self._pool is None or self._pool_pid != os.getpid():
            with self._pool_lock:
                if self._pool is None or self._pool_pid != os.getpid():
                    # After a fork the parent's pool (its sockets, its threads) is left alone: the
                    # child opens its own.
                    self._pool = ConnectionPool(
                        self.url, min_size=1, max_size=self.max_connections, open=True,
                        kwargs={"autocommit": True, "row_factory": _row_factory},
                        check=ConnectionPool.check_connection, name=f"statpub-{os.getpid()}")
                    self._pool_pid = os.getpid()
        return self._pool

    @contextmanager
    def connect(self) -> Iterator[PostgreSQLConnection]:
        with self._get_pool().connection() as raw:
            yield PostgreSQLConnection(raw, in_transaction=False)

    @contextmanager
    def transaction(self) -> Iterator[PostgreSQLConnection]:
        """The store's write lock from the start, released by the commit (or the rollback)."""
        with self._get_pool().connection() as raw, raw.transaction():
            raw.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])
            yield PostgreSQLConnection(raw, in_transaction=True)

    def migrate(self, namespace: str, folder: Path) -> None:
        if namespace in self._migrated:
            return
        with self._lock:
            if namespace in self._migrated:
                return
            with self.transaction() as con:  # a second worker or node waits, then finds it all there
                con.raw.execute(_LEDGER)
                done = {n for (n,) in con.execute("SELECT number FROM store_migrations WHERE namespace = ?",
                                                  [namespace])}
                for number, name, path in migration_files(folder, self.dialect):
                    if number in done:
                        continue
                    # Sent as one script without parameters: functions with $$ bodies stay whole.
                    con.raw.execute(path.read_text(encoding="utf-8").encode())
                    con.execute("INSERT INTO store_migrations VALUES (?, ?, ?, ?)",
                                [namespace, number, name, datetime.now(UTC).isoformat()])
            self._migrated.add(namespace)

    def close(self) -> None:
        if self._pool is not None and self._pool_pid == os.getpid():
            self._pool.close()
        self._pool = None
