"""The operational store: accounts, sessions, login throttling and the pre-release access log.

It is an SQLite file beside the warehouse snapshots (`<warehouse_dir>/operational.sqlite`, never in
git). The warehouse is read-only for the web tier; this small store is the one thing the web tier
writes, so it lives apart from DuckDB. WAL mode lets several gunicorn workers read while one writes;
each operation opens its own short connection (cheap, and safe after a fork).

The access log is append-only: triggers refuse UPDATE and DELETE, so no code path (nor a careless
`sqlite3` session) can rewrite who saw what.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STORE_NAME = "operational.sqlite"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('press', 'reviewer')),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL,
    disabled_at TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_name);
CREATE TABLE IF NOT EXISTS login_failures (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_subject ON login_failures(subject, at);
CREATE TABLE IF NOT EXISTS access_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_name TEXT NOT NULL,
    role TEXT NOT NULL,
    release_id TEXT NOT NULL,
    what TEXT NOT NULL,
    channel TEXT NOT NULL,
    file_name TEXT,
    sha256 TEXT
);
CREATE INDEX IF NOT EXISTS access_log_release ON access_log(release_id, at);
CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END;
"""


class OperationalStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._ready = False

    @classmethod
    def beside(cls, warehouse_dir: Path) -> OperationalStore:
        return cls(Path(warehouse_dir) / STORE_NAME)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA busy_timeout = 15000")
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA synchronous = NORMAL")
        return con

    def _prepare(self, con: sqlite3.Connection) -> None:
        if self._ready:
            return
        # WAL is a property of the file: set once, kept by every later connection.
        con.execute("PRAGMA journal_mode = WAL")
        if con.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            # One script, one transaction: a second worker waits, then finds everything there.
            try:
                con.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}PRAGMA user_version = {SCHEMA_VERSION:d};COMMIT;")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
        self._ready = True

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit mode; use `transaction()` for several writes at once."""
        con = self._connect()
        try:
            self._prepare(con)
            yield con
        finally:
            con.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE: the write lock is taken up front, so two workers never interleave."""
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
