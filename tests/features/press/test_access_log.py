"""The pre-release access log on a real SQLite file: append-only (also with several processes
writing at once), and published after the instant with display names, never login names."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from statpub.features.press.access import AccessLog, prerelease_access_list
from statpub.features.press.service import MIGRATIONS
from statpub.kernel.clock import parse_instant
from statpub.store.sqlite import SQLiteStore
from statpub.warehouse.gate import PUBLIC, Gate, Reader
from statpub.warehouse.reader import WarehouseReader

NOW = parse_instant("2026-12-10T09:00:00+08:00")
ALICE = Reader("alice", "press", "Alice Liang 梁爱丽", "示例日报 Example Daily")
RITA = Reader("rita", "reviewer", "Rita Zhou 周丽", "示例市统计局")


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return press_store(tmp_path / "operational.sqlite")


def press_store(path: Path) -> SQLiteStore:
    store = SQLiteStore(path)
    store.migrate("press", MIGRATIONS)
    return store


def test_store_is_in_wal_mode_with_its_schema(store: SQLiteStore):
    with store.connect() as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "access_log" in tables


def test_access_log_is_append_only(store):
    log = AccessLog(store)
    alice = Reader("alice", "press")
    log.record(alice, "r1", "pack", NOW, file_name="f.zip", sha256="ab" * 32)
    with store.connect() as con:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("UPDATE access_log SET user_name = 'mallory'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("DELETE FROM access_log")
    with pytest.raises(ValueError):
        log.record(PUBLIC, "r1", "page", NOW)
    with pytest.raises(ValueError):
        log.record(alice, "r1", "peek", NOW)
    [entry] = log.entries("r1")
    assert (entry.user_name, entry.role, entry.what, entry.sha256) == ("alice", "press", "pack", "ab" * 32)
    assert parse_instant(entry.at) == NOW


def _append_many(path: str, who: str, count: int) -> None:
    log = AccessLog(press_store(Path(path)))
    for _ in range(count):
        log.record(Reader(who, "press"), "r1", "page", NOW)


def test_several_processes_append_without_losing_entries(store):
    AccessLog(store).entries("r1")  # create the schema first, as the server does
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_append_many, args=(str(store.path), f"user{i}", 40)) for i in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    entries = AccessLog(store).entries("r1")
    assert len(entries) == 120
    assert {e.user_name for e in entries} == {"user0", "user1", "user2"}


def test_access_list_is_published_only_once_the_release_is_public(demo_settings, store):
    snapshot = WarehouseReader(demo_settings.warehouse_dir).snapshot()
    release = snapshot.releases["2025-gdp-final-verification"]
    log = AccessLog(store)
    before = release.instant - timedelta(hours=1)
    log.record(ALICE, release.id, "page", before)
    log.record(RITA, release.id, "pack", before)
    log.record(ALICE, release.id, "pack", before)
    log.record(Reader("old", "press"), release.id, "page", before)  # before display names existed
    assert prerelease_access_list(log, Gate(snapshot, before), release.id) is None
    assert prerelease_access_list(log, Gate(snapshot, before, Reader("alice", "press")), release.id) is None
    published = prerelease_access_list(log, Gate(snapshot, release.instant), release.id)
    assert [h.published() for h in published] == [
        "未登记姓名 · name not recorded", "Alice Liang 梁爱丽（示例日报 Example Daily）", "Rita Zhou 周丽（示例市统计局）"]
    assert not any("alice" in h.published() or "rita" in h.published() for h in published)
    assert prerelease_access_list(log, Gate(snapshot, release.instant), "no-such-release") is None
