"""Backing up and restoring the operational store through its engine's online path.

SQLite: the online backup API (`sqlite3.Connection.backup`), which copies a consistent state of a
live WAL database page by page while the site keeps writing; never a plain copy of the file and
its `-wal`. PostgreSQL: `pg_dump --format=custom` of the store's database, and `pg_restore` into an
empty one. A store object says which it is by its `dialect`; a PostgreSQL store gives its
connection URL as `url` (STATPUB_DATABASE_URL).
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from statpub.kernel.errors import UserError
from statpub.store.base import Store

SQLITE_FILE = "operational.sqlite"
PG_FILE = "operational.pgdump"


def backup_store(store: Store, dest: Path) -> Path:
    """Write a consistent copy of the store into folder `dest`; returns the file written."""
    dest.mkdir(parents=True, exist_ok=True)
    if store.dialect == "sqlite":
        target = dest / SQLITE_FILE
        if not Path(store.path).exists():
            sqlite3.connect(target).close()  # no store yet: an empty one restores as no accounts
            return target
        source = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True, timeout=15)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy, pages=1024)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            copy.close()
            source.close()
        return target
    if store.dialect == "postgresql":
        target = dest / PG_FILE
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={store.url}"], "pg_dump")
        return target
    raise UserError(f"cannot back up a {store.dialect} store")


def restore_store(store: Store, source_dir: Path) -> Path:
    """Put the backed-up store in place of the configured one, which must be empty."""
    if store.dialect == "sqlite":
        source = source_dir / SQLITE_FILE
        target = Path(store.path)
        if target.exists():
            raise UserError(f"{target} exists: restore goes onto an empty machine; move it aside first")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(source, tmp)
        tmp.replace(target)
        return target
    if store.dialect == "postgresql":
        source = source_dir / PG_FILE
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={store.url}", str(source)], "pg_restore")
        return source
    raise UserError(f"cannot restore a {store.dialect} store")


def _run(argv: list[str], name: str) -> None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise UserError(f"{name} not found: install the PostgreSQL client tools") from None
    if done.returncode != 0:
        raise UserError(f"{name} failed: {done.stderr.strip()[:500]}")
