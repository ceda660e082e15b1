"""Several processes at once, on both engines: check-then-write blocks never interleave, migrations
are applied once however many workers start together, a failed migration leaves nothing, and the
append-only access log refuses rewrites from any connection."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from statpub.features.press.service import MIGRATIONS as PRESS_MIGRATIONS
from statpub.store import Store
from tests.fixtures.store import open_address, store_address

WORKERS = 4


def _spawn(target, *args) -> None:
    ctx = multiprocessing.get_context("spawn")
    processes = [ctx.Process(target=target, args=(*args, i)) for i in range(WORKERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0, f"a worker failed ({process.exitcode})"


def _increment(address: tuple[str, str], times: int, _worker: int) -> None:
    store = open_address(address)
    for _ in range(times):
        with store.transaction() as con:  # read, think, write: the lost-update race if unguarded
            value = con.execute("SELECT value FROM counter WHERE id = 1").fetchone()["value"]
            time.sleep(0.002)
            con.execute("UPDATE counter SET value = ? WHERE id = 1", [value + 1])


def test_check_then_write_blocks_never_interleave_across_processes(any_store: Store):
    with any_store.connect() as con:
        con.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
        con.execute("INSERT INTO counter VALUES (1, 0)")
    _spawn(_increment, store_address(any_store), 15)
    with any_store.connect() as con:
        assert con.execute("SELECT value FROM counter").fetchone()[0] == WORKERS * 15


def _write_migrations(folder: Path) -> Path:
    """Migrations that fail if run twice (no IF NOT EXISTS, a seed row under a unique key)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "001_things.sql").write_text(
        "CREATE TABLE things (name TEXT PRIMARY KEY, made_by TEXT);\n"
        "INSERT INTO things (name, made_by) VALUES ('seed', 'migration 1');\n")
    (folder / "002_more.sqlite.sql").write_text("ALTER TABLE things ADD COLUMN engine TEXT DEFAULT 'sqlite';\n")
    (folder / "002_more.postgresql.sql").write_text(
        "ALTER TABLE things ADD COLUMN engine TEXT DEFAULT 'postgresql';\n"
        "CREATE FUNCTION things_shout(t text) RETURNS text LANGUAGE sql AS $$ SELECT upper(t) || '?' $$;\n")
    return folder


def _migrate(address: tuple[str, str], folder: str, _worker: int) -> None:
    open_address(address).migrate("demo", Path(folder))


def test_migrations_apply_once_when_many_workers_start_together(any_store: Store, tmp_path: Path):
    folder = _write_migrations(tmp_path / "migrations")
    _spawn(_migrate, store_address(any_store), str(folder))
    open_address(store_address(any_store)).migrate("demo", folder)  # and again later: nothing to do
    with any_store.connect() as con:
        assert [tuple(r) for r in con.execute("SELECT name, engine FROM things")] == [("seed", any_store.dialect)]
        ledger = con.execute("SELECT number, name FROM store_migrations WHERE namespace = 'demo' ORDER BY number")
        assert [tuple(r) for r in ledger] == [(1, "things"), (2, "more")]
        if any_store.dialect == "postgresql":  # a $$ body sent whole, its ? left alone
            assert con.execute("SELECT things_shout(?)", ["a"]).fetchone()[0] == "A?"


def test_a_failed_migration_leaves_nothing_and_is_retried(any_store: Store, tmp_path: Path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_ok.sql").write_text("CREATE TABLE good (x INTEGER);\n")
    (folder / "002_broken.sql").write_text("CREATE TABLE half (x INTEGER);\nTHIS IS NOT SQL;\n")
    with pytest.raises(any_store.Error):
        any_store.migrate("broken", folder)
    for table in ("good", "half", "store_migrations"):  # one transaction: the ledger too
        with pytest.raises(any_store.Error), any_store.connect() as con:
            con.execute(f"SELECT * FROM {table}")  # noqa: S608 - a fixed name
    (folder / "002_broken.sql").write_text("CREATE TABLE half (x INTEGER);\n")
    fresh = open_address(store_address(any_store))
    fresh.migrate("broken", folder)
    with fresh.connect() as con:
        assert con.execute("SELECT count(*) FROM store_migrations WHERE namespace = 'broken'").fetchone()[0] == 2


def test_a_number_with_a_shared_and_an_engine_file_is_refused(any_store: Store, tmp_path: Path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_a.sql").write_text("CREATE TABLE a (x INTEGER);\n")
    (folder / f"001_a.{any_store.dialect}.sql").write_text("CREATE TABLE a (x INTEGER);\n")
    with pytest.raises(RuntimeError, match="exists twice"):
        any_store.migrate("twice", folder)


def test_the_access_log_refuses_rewrites_from_any_connection(any_store: Store):
    any_store.migrate("press", PRESS_MIGRATIONS)
    row = ["2026-01-01T00:00:00.000000+00:00", "alice", "press", "r1", "page", "web", None, None]
    insert = ("INSERT INTO access_log (at, user_name, role, release_id, what, channel, file_name, sha256) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    with any_store.transaction() as con:
        con.execute(insert, row)
    attempts = ["UPDATE access_log SET user_name = 'mallory'", "DELETE FROM access_log WHERE id > 0"]
    if any_store.dialect == "postgresql":
        attempts.append("TRUNCATE access_log")
    for sql in attempts:
        with pytest.raises(any_store.IntegrityError, match="append-only"), any_store.transaction() as con:
            con.execute(sql)
        with pytest.raises(any_store.IntegrityError, match="append-only"), any_store.connect() as con:
            con.execute(sql)
    with any_store.connect() as con:
        assert [r["user_name"] for r in con.execute("SELECT user_name FROM access_log")] == ["alice"]
