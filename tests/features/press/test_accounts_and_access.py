"""The operational store on both engines (a real SQLite file, a real PostgreSQL server): accounts,
hashed passwords, sessions, throttling, and the append-only access log (also with several processes
writing at once)."""

from __future__ import annotations

import multiprocessing
from datetime import timedelta

import pytest

from statpub.features.press.access import AccessLog, prerelease_access_list
from statpub.features.press.accounts import LOCK_AFTER, SESSION_LIFETIME, SLOW_AFTER, Accounts
from statpub.features.press.service import MIGRATIONS
from statpub.kernel.clock import parse_instant
from statpub.kernel.errors import NotFound, UserError
from statpub.store import Store
from statpub.warehouse.gate import PUBLIC, Gate, Reader
from statpub.warehouse.reader import WarehouseReader
from tests.fixtures.store import open_address, store_address

NOW = parse_instant("2026-12-10T09:00:00+08:00")
SECRET = "a-long-enough-secret"


@pytest.fixture
def store(any_store: Store) -> Store:
    any_store.migrate("press", MIGRATIONS)
    return any_store


def test_store_has_its_schema(store: Store):
    with store.connect() as con:
        if store.dialect == "sqlite":
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        else:
            tables = {r["table_name"] for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
    assert {"users", "sessions", "login_failures", "access_log"} <= tables


def test_password_is_hashed_with_argon2_and_never_stored_in_clear(store: Store):
    accounts = Accounts(store)
    account = accounts.add("alice", "press", SECRET, NOW)
    assert (account.name, account.role, account.disabled) == ("alice", "press", False)
    with store.connect() as con:
        stored = con.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and SECRET not in stored
    if store.dialect == "sqlite":
        for path in store.path.parent.iterdir():  # the database, its WAL and shared memory
            assert SECRET.encode() not in path.read_bytes()
    assert accounts.authenticate("alice", SECRET).name == "alice"
    assert accounts.authenticate("alice", SECRET + "x") is None
    assert accounts.authenticate("nobody", SECRET) is None


@pytest.mark.parametrize(("name", "role", "password", "message"), [
    ("a", "press", SECRET, "account name"),
    ("bad name", "press", SECRET, "account name"),
    ("bob", "admin", SECRET, "role 'admin'"),
    ("bob", "press", "short", "at least 10"),
    ("bob", "press", " padded-password ", "spaces"),
])
def test_bad_account_input_is_refused_and_changes_nothing(store, name, role, password, message):
    accounts = Accounts(store)
    with pytest.raises(UserError, match=message):
        accounts.add(name, role, password, NOW)
    assert accounts.list() == []


def test_duplicate_and_unknown_accounts(store):
    accounts = Accounts(store)
    accounts.add("alice", "press", SECRET, NOW)
    with pytest.raises(UserError, match="already exists"):
        accounts.add("alice", "reviewer", SECRET, NOW)
    with pytest.raises(NotFound):
        accounts.disable("nobody", NOW)
    assert [a.role for a in accounts.list()] == ["press"]


def test_sessions_expire_and_disabling_closes_them(store):
    accounts = Accounts(store)
    alice = accounts.add("alice", "press", SECRET, NOW)
    token, expires = accounts.open_session(alice, NOW)
    assert expires == NOW + SESSION_LIFETIME
    assert accounts.session_account(token, NOW + timedelta(hours=1)).name == "alice"
    assert accounts.session_account(token, expires) is None
    assert accounts.session_account(token + "x", NOW) is None
    with store.connect() as con:  # only the token's hash is kept
        assert con.execute("SELECT count(*) FROM sessions WHERE token_hash = ?", [token]).fetchone()[0] == 0
    second, _ = accounts.open_session(alice, NOW)
    accounts.disable("alice", NOW)
    assert accounts.session_account(second, NOW) is None
    assert accounts.authenticate("alice", SECRET) is None
    assert accounts.get("alice").disabled


def test_logout_closes_the_session(store):
    accounts = Accounts(store)
    token, _ = accounts.open_session(accounts.add("alice", "press", SECRET, NOW), NOW)
    accounts.close_session(token)
    assert accounts.session_account(token, NOW) is None


def test_failed_logins_are_slowed_then_refused_for_a_while(store):
    accounts = Accounts(store)
    subjects = ["user:alice", "ip:127.0.0.1"]
    t = NOW
    for _ in range(SLOW_AFTER):
        assert accounts.throttle(subjects, t).allowed
        accounts.record_failure(subjects, t)
    slowed = accounts.throttle(subjects, t)
    assert not slowed.allowed and slowed.retry_after == 1
    t += timedelta(seconds=1)
    assert accounts.throttle(subjects, t).allowed
    accounts.record_failure(subjects, t)  # a fourth failure doubles the wait
    assert accounts.throttle(subjects, t).retry_after == 2
    assert accounts.throttle(subjects, t + timedelta(seconds=2)).allowed
    many = NOW + timedelta(hours=2)
    for k in range(LOCK_AFTER):
        accounts.record_failure(["user:bob"], many + timedelta(seconds=k))
    locked = accounts.throttle(["user:bob"], many + timedelta(seconds=LOCK_AFTER + 120))
    assert not locked.allowed and 600 < locked.retry_after <= 900
    assert accounts.throttle(["user:bob"], many + timedelta(minutes=16)).allowed
    accounts.clear_failures("user:alice")
    assert accounts.throttle(["user:alice"], t).allowed


def test_access_log_is_append_only(store):
    log = AccessLog(store)
    alice = Reader("alice", "press")
    log.record(alice, "r1", "pack", NOW, file_name="f.zip", sha256="ab" * 32)
    with store.connect() as con:
        with pytest.raises(store.IntegrityError, match="append-only"):
            con.execute("UPDATE access_log SET user_name = 'mallory'")
        with pytest.raises(store.IntegrityError, match="append-only"):
            con.execute("DELETE FROM access_log")
    with pytest.raises(ValueError):
        log.record(PUBLIC, "r1", "page", NOW)
    with pytest.raises(ValueError):
        log.record(alice, "r1", "peek", NOW)
    [entry] = log.entries("r1")
    assert (entry.user_name, entry.role, entry.what, entry.sha256) == ("alice", "press", "pack", "ab" * 32)
    assert parse_instant(entry.at) == NOW


def _append_many(address: tuple[str, str], who: str, count: int) -> None:
    store = open_address(address)
    store.migrate("press", MIGRATIONS)
    log = AccessLog(store)
    for _ in range(count):
        log.record(Reader(who, "press"), "r1", "page", NOW)


def test_several_processes_append_without_losing_entries(store):
    AccessLog(store).entries("r1")  # create the schema first, as the server does
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_append_many, args=(store_address(store), f"user{i}", 40)) for i in range(3)]
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
    log.record(Reader("alice", "press"), release.id, "page", before)
    log.record(Reader("rita", "reviewer"), release.id, "pack", before)
    log.record(Reader("alice", "press"), release.id, "pack", before)
    assert prerelease_access_list(log, Gate(snapshot, before), release.id) is None
    assert prerelease_access_list(log, Gate(snapshot, before, Reader("alice", "press")), release.id) is None
    published = prerelease_access_list(log, Gate(snapshot, release.instant), release.id)
    assert [(h.name, h.role) for h in published] == [("alice", "press"), ("rita", "reviewer")]
    assert prerelease_access_list(log, Gate(snapshot, release.instant), "no-such-release") is None
