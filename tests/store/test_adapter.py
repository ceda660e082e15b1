"""The store's interface holds on both engines: `?` placeholders, rows by name and position,
rowcount, executemany, transactions that commit or roll back whole, and the choice of engine."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from statpub.kernel.config import Settings
from statpub.kernel.errors import UserError
from statpub.store import Store, open_store
from statpub.store.postgresql import translate

SCHEMA = "CREATE TABLE items (name TEXT PRIMARY KEY, qty INTEGER NOT NULL, note TEXT)"


@pytest.fixture
def items(any_store: Store) -> Store:
    with any_store.connect() as con:
        con.execute(SCHEMA)
    return any_store


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT ? , ?", "SELECT %s , %s"),
    ("SELECT '?' || ?", "SELECT '?' || %s"),
    ("SELECT 'it''s ?' , ?", "SELECT 'it''s ?' , %s"),
    ('SELECT "odd?name" FROM t WHERE x = ?', 'SELECT "odd?name" FROM t WHERE x = %s'),
    ("SELECT 1 -- why? because\nWHERE a = ?", "SELECT 1 -- why? because\nWHERE a = %s"),
    ("SELECT /* ? */ ?", "SELECT /* ? */ %s"),
    ("SELECT $$ ? $$, $tag$ ? $tag$, ?", "SELECT $$ ? $$, $tag$ ? $tag$, %s"),
    ("SELECT name FROM t WHERE name LIKE 'a%' AND x = ? % 2", "SELECT name FROM t WHERE name LIKE 'a%%' AND x = %s %% 2"),
    ("SELECT $1", "SELECT $1"),
])
def test_question_marks_become_placeholders_only_outside_quotes(sql, expected):
    assert translate(sql) == expected


def test_values_are_bound_never_spliced(items: Store):
    hostile = "x'); DROP TABLE items; --"
    with items.connect() as con:
        con.execute("INSERT INTO items (name, qty, note) VALUES (?, ?, ?)", [hostile, 1, "50% off?"])
        row = con.execute("SELECT name, note FROM items WHERE name = ? AND note LIKE '%off%'", [hostile]).fetchone()
    assert (row["name"], row["note"]) == (hostile, "50% off?")


def test_rows_read_by_name_by_index_and_as_dicts(items: Store):
    with items.connect() as con:
        con.executemany("INSERT INTO items (name, qty) VALUES (?, ?)", [("a", 1), ("b", 2), ("c", 3)])
        rows = con.execute("SELECT name, qty, note FROM items ORDER BY name").fetchall()
        one = con.execute("SELECT count(*) AS n FROM items").fetchone()
        nothing = con.execute("SELECT name FROM items WHERE name = ?", ["zz"]).fetchone()
        iterated = [name for (name,) in con.execute("SELECT name FROM items ORDER BY name")]
    assert [r["name"] for r in rows] == ["a", "b", "c"] and [r[1] for r in rows] == [1, 2, 3]
    assert dict(rows[0]) == {"name": "a", "qty": 1, "note": None}
    assert list(rows[0].keys()) == ["name", "qty", "note"]
    name, qty, note = rows[1]
    assert (name, qty, note) == ("b", 2, None) and len(rows[1]) == 3
    assert one["n"] == one[0] == 3 and nothing is None and iterated == ["a", "b", "c"]


def test_rowcount_and_executemany(items: Store):
    with items.connect() as con:
        con.executemany("INSERT INTO items (name, qty) VALUES (?, ?)", [(f"n{i}", i) for i in range(10)])
        assert con.execute("UPDATE items SET qty = qty + 1 WHERE qty >= ?", [5]).rowcount == 5
        assert con.execute("DELETE FROM items WHERE name = ?", ["none"]).rowcount == 0
        assert con.execute("DELETE FROM items WHERE qty < ?", [3]).rowcount == 3
        inserted = con.execute("INSERT INTO items (name, qty) VALUES (?, ?) RETURNING name, qty", ["r", 7])
        assert tuple(inserted.fetchone()) == ("r", 7)
        upsert = ("INSERT INTO items (name, qty) VALUES (?, ?) "
                  "ON CONFLICT (name) DO UPDATE SET qty = items.qty + excluded.qty")
        con.execute(upsert, ["r", 3])
        assert con.execute("SELECT qty FROM items WHERE name = 'r'").fetchone()[0] == 10


def test_a_transaction_commits_whole_or_not_at_all(items: Store):
    with items.transaction() as con:
        con.execute("INSERT INTO items (name, qty) VALUES (?, ?)", ["kept", 1])
    with pytest.raises(RuntimeError), items.transaction() as con:
        con.execute("INSERT INTO items (name, qty) VALUES (?, ?)", ["lost", 1])
        raise RuntimeError("changed my mind")
    with pytest.raises(items.IntegrityError), items.transaction() as con:
        con.execute("INSERT INTO items (name, qty) VALUES (?, ?)", ["also-lost", 1])
        con.execute("INSERT INTO items (name, qty) VALUES (?, ?)", ["kept", 2])
    with items.connect() as con:
        assert [r[0] for r in con.execute("SELECT name FROM items")] == ["kept"]


def test_a_write_outside_a_transaction_waits_for_the_open_one(items: Store):
    """As on SQLite, an autocommit write cannot slip between a transaction's check and its write."""
    order: list[str] = []

    def autocommit_write():
        with items.connect() as con:
            con.execute("INSERT INTO items (name, qty) VALUES (?, ?)", ["outside", 1])
        order.append("outside")

    with items.transaction() as con:
        con.execute("SELECT count(*) FROM items").fetchone()
        other = threading.Thread(target=autocommit_write)
        other.start()
        time.sleep(0.5)
        order.append("transaction")
        con.execute("INSERT INTO items (name, qty) VALUES (?, ?)", ["inside", 1])
    other.join(30)
    assert order == ["transaction", "outside"]


def test_open_store_chooses_the_engine_from_the_settings(tmp_path: Path, database_url):
    sqlite = open_store(Settings(root=tmp_path, warehouse_dir=tmp_path / "wh"))
    assert sqlite.dialect == "sqlite" and sqlite.path == tmp_path / "wh" / "operational.sqlite"
    url = database_url()
    postgresql = open_store(Settings(root=tmp_path, warehouse_dir=tmp_path / "wh", database_url=url))
    assert postgresql.dialect == "postgresql" and postgresql.url == url
    assert open_store(Settings(root=tmp_path, warehouse_dir=tmp_path / "other", database_url=url)) is postgresql
    with pytest.raises(UserError, match="postgresql://"):
        open_store(Settings(root=tmp_path, warehouse_dir=tmp_path, database_url="mysql://x/y"))


def test_close_stores_ends_the_pools_and_the_next_open_starts_anew(tmp_path: Path, database_url):
    from statpub.store.base import KEEP_SQLITE, close_stores

    settings = Settings(root=tmp_path, warehouse_dir=tmp_path / "wh", database_url=database_url())
    first = open_store(settings)
    with first.connect() as con:
        assert con.execute("SELECT 1").fetchone()[0] == 1
    pool = first._pool
    many = [open_store(Settings(root=tmp_path, warehouse_dir=tmp_path / f"wh{i}")) for i in range(KEEP_SQLITE + 4)]
    assert open_store(settings) is first  # PostgreSQL stores are kept, SQLite ones beyond KEEP_SQLITE forgotten
    assert open_store(Settings(root=tmp_path, warehouse_dir=tmp_path / "wh0")) is not many[0]
    close_stores()
    assert pool.closed
    second = open_store(settings)
    assert second is not first
    with second.connect() as con:
        assert con.execute("SELECT 2").fetchone()[0] == 2


def test_the_database_url_comes_from_the_environment(tmp_path: Path):
    from statpub.kernel.config import resolve_settings
    from tests.paths import REPO_ROOT

    assert resolve_settings(REPO_ROOT, env={}).database_url is None
    env = {"STATPUB_DATABASE_URL": "postgresql://u@127.0.0.1:1/db"}
    assert resolve_settings(REPO_ROOT, env=env).database_url == "postgresql://u@127.0.0.1:1/db"
