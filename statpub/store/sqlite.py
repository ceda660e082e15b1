"""The store on SQLite: a file beside the warehouse snapshots (`<warehouse>/operational.sqlite`),
the default on one machine.

WAL mode lets several gunicorn workers read while one writes; each operation opens its own short
connection (cheap, and safe after a fork). Append-only tables are guarded by triggers in their
migrations, so no code path (nor a careless `sqlite3` session) can rewrite them.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from statpub.store.migrations import migration_files

_LEDGER = ("CREATE TABLE IF NOT EXISTS store_migrations (namespace TEXT NOT NULL, number INTEGER NOT NULL, "
           "name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (namespace, number))")


class SQLiteStore:
    dialect = "sqlite"
    Error = sqlite3.Error
    IntegrityError = sqlite3.IntegrityError

    def __init__(self, path: Path):
        self.path = Path(path)
        self._migrated: set[str] = set()
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA busy_timeout = 15000")
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA synchronous = NORMAL")
        return con

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        con = self._connect()
        try:
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

    def migrate(self, namespace: str, folder: Path) -> None:
        if namespace in self._migrated:
            return
        with self._lock:
            if namespace in self._migrated:
                return
            self._use_wal()
            with self.transaction() as con:  # a second worker waits, then finds everything there
                con.execute(_LEDGER)
                done = {n for (n,) in con.execute("SELECT number FROM store_migrations WHERE namespace = ?",
                                                  [namespace])}
                for number, name, path in migration_files(folder, self.dialect):
                    if number in done:
                        continue
                    _run_script(con, path.read_text(encoding="utf-8"))
                    con.execute("INSERT INTO store_migrations VALUES (?, ?, ?, ?)",
                                [namespace, number, name, datetime.now(UTC).isoformat()])
            self._migrated.add(namespace)

    def _use_wal(self, patience: float = 30.0) -> None:
        """WAL is a property of the file: set once, kept by every later connection. Switching needs
        the file to itself and SQLite answers "locked" at once, without waiting, while another
        worker is in a transaction — so workers starting together read the mode first (a worker
        that comes second finds WAL set) and retry the switch for a while."""
        deadline = time.monotonic() + patience
        with self.connect() as con:
            while con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                try:
                    if con.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() == "wal":
                        return
                except sqlite3.OperationalError as error:
                    if "locked" not in str(error):
                        raise
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError(f"{self.path}: could not switch to WAL mode")
                time.sleep(0.05)


def _run_script(con: sqlite3.Connection, script: str) -> None:
    """Statements one by one inside the open transaction (executescript would commit it)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            con.execute(statement)
            statement = ""
    if statement.strip():
        con.execute(statement)
