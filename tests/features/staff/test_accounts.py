"""Staff accounts on a real SQLite store: hashed passwords, display names, roles, sessions, known
devices, throttling counted before hashing (raced by threads and processes), locks, alerts, and
the adoption of accounts made before staff accounts existed."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from statpub.features.staff.accounts import SESSION_LIFETIME, Accounts
from statpub.features.staff.alerts import Alerts
from statpub.features.staff.roles import ROLES
from statpub.features.staff.service import MIGRATIONS, adopt_prerelease_accounts
from statpub.features.staff.throttle import LOCK_AFTER, SLOW_AFTER, Throttle, subjects_for
from statpub.kernel.clock import parse_instant
from statpub.kernel.errors import NotFound, UserError
from statpub.store.sqlite import SQLiteStore

NOW = parse_instant("2026-12-10T09:00:00+08:00")
SECRET = "a-long-enough-secret"
WHO = {"display_name": "Alice Liang 梁爱丽", "organisation": "示例日报 Example Daily"}


def staff_store(path: Path) -> SQLiteStore:
    store = SQLiteStore(path)
    store.migrate("staff", MIGRATIONS)
    return store


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return staff_store(tmp_path / "operational.sqlite")


def test_password_is_hashed_with_argon2_and_never_stored_in_clear(store):
    accounts = Accounts(store)
    account = accounts.add("alice", "press", SECRET, NOW, **WHO)
    assert (account.name, account.role, account.display_name, account.organisation) == (
        "alice", "press", WHO["display_name"], WHO["organisation"])
    with store.connect() as con:
        stored = con.execute("SELECT password_hash FROM staff_accounts").fetchone()[0]
    assert stored.startswith("$argon2id$") and SECRET not in stored
    for path in store.path.parent.iterdir():  # the database, its WAL and shared memory
        assert SECRET.encode() not in path.read_bytes()
    assert accounts.verify("alice", SECRET).name == "alice"
    assert accounts.verify("alice", SECRET + "x") is None
    assert accounts.verify("nobody", SECRET) is None
    reader = account.reader()
    assert (reader.name, reader.role, reader.display_name, reader.has_prerelease_rights) == (
        "alice", "press", WHO["display_name"], True)


def test_roles_are_extensible_and_only_press_and_reviewer_have_prerelease_rights(store):
    accounts = Accounts(store)
    assert {"press", "reviewer", "responder"} <= set(ROLES)
    for role in ROLES:
        reader = accounts.add(f"user-{role}", role, SECRET, NOW, **WHO).reader()
        assert reader.has_prerelease_rights == (role in ("press", "reviewer")), role


@pytest.mark.parametrize(("name", "role", "password", "who", "message"), [
    ("a", "press", SECRET, WHO, "account name"),
    ("bad name", "press", SECRET, WHO, "account name"),
    ("bob", "admin", SECRET, WHO, "role 'admin'"),
    ("bob", "press", "short", WHO, "at least 10"),
    ("bob", "press", " padded-password ", WHO, "spaces"),
    ("bob", "press", SECRET, {**WHO, "display_name": " "}, "display name is required"),
    ("bob", "press", SECRET, {**WHO, "organisation": ""}, "organisation is required"),
    ("bob", "press", SECRET, {**WHO, "organisation": "a\nb"}, "one line"),
])
def test_bad_account_input_is_refused_and_changes_nothing(store, name, role, password, who, message):
    accounts = Accounts(store)
    with pytest.raises(UserError, match=message):
        accounts.add(name, role, password, NOW, **who)
    assert accounts.list() == []


def test_duplicate_unknown_and_edited_accounts(store):
    accounts = Accounts(store)
    accounts.add("alice", "press", SECRET, NOW, **WHO)
    with pytest.raises(UserError, match="already exists"):
        accounts.add("Alice", "reviewer", SECRET, NOW, **WHO)
    with pytest.raises(NotFound):
        accounts.disable("nobody", NOW)
    token, _ = accounts.open_session(accounts.get("alice"), NOW)
    edited = accounts.edit("alice", organisation="示例晚报 Example Evening News")
    assert edited.organisation == "示例晚报 Example Evening News" and accounts.session_account(token, NOW)
    accounts.edit("alice", role="responder")  # a change of rights ends the sessions
    assert accounts.session_account(token, NOW) is None


def test_sessions_expire_and_disabling_or_a_reset_closes_them(store):
    accounts = Accounts(store)
    alice = accounts.add("alice", "press", SECRET, NOW, **WHO)
    token, expires = accounts.open_session(alice, NOW)
    assert expires == NOW + SESSION_LIFETIME
    assert accounts.session_account(token, NOW + timedelta(hours=1)).name == "alice"
    assert accounts.session_account(token, expires) is None
    assert accounts.session_account(token + "x", NOW) is None
    with store.connect() as con:  # only the token's hash is kept
        assert con.execute("SELECT count(*) FROM staff_sessions WHERE token_hash = ?", [token]).fetchone()[0] == 0
    second, _ = accounts.open_session(alice, NOW)
    device, _ = accounts.remember_device(alice, NOW)
    accounts.set_password("alice", SECRET + "-new", NOW)
    assert accounts.session_account(second, NOW) is None and accounts.known_device(device, "alice", NOW) is None
    assert accounts.verify("alice", SECRET) is None and accounts.verify("alice", SECRET + "-new")
    third, _ = accounts.open_session(alice, NOW)
    accounts.disable("alice", NOW)
    assert accounts.session_account(third, NOW) is None
    assert accounts.verify("alice", SECRET + "-new") is None
    assert accounts.get("alice").disabled


def test_known_devices_belong_to_one_account(store):
    accounts = Accounts(store)
    alice = accounts.add("alice", "press", SECRET, NOW, **WHO)
    accounts.add("bob", "press", SECRET, NOW, **WHO)
    device, expires = accounts.remember_device(alice, NOW)
    assert accounts.known_device(device, "alice", NOW)
    assert accounts.known_device(device, "bob", NOW) is None
    assert accounts.known_device(device, "alice", expires) is None
    assert accounts.known_device("forged", "alice", NOW) is None


def _fail(throttle: Throttle, subjects: list[str], at) -> bool:
    decision = throttle.begin(subjects, at)
    if decision.allowed:
        throttle.failed(decision, at)
    return decision.allowed


def test_failed_logins_are_slowed_then_locked_and_a_reset_lifts_the_lock(store):
    throttle = Throttle(store)
    subjects = subjects_for("alice", "127.0.0.1", None)
    t = NOW
    for _ in range(SLOW_AFTER):
        assert _fail(throttle, subjects, t)
    slowed = throttle.begin(subjects, t)
    assert not slowed.allowed and slowed.retry_after == 1
    t += timedelta(seconds=1)
    assert _fail(throttle, subjects, t)  # a fourth failure doubles the wait
    assert throttle.begin(subjects, t).retry_after == 2
    good = throttle.begin(subjects, t + timedelta(seconds=2))
    throttle.succeeded(good)  # the right password forgets the account's failures
    assert throttle.begin(subjects, t + timedelta(seconds=2)).allowed
    bob, many, locks = ["account:bob"], NOW + timedelta(hours=2), []
    for k in range(LOCK_AFTER):
        decision = Throttle(store).begin(bob, many + timedelta(minutes=k))
        assert decision.allowed, k
        locks += throttle.failed(decision, many + timedelta(minutes=k))
    assert [lock.subject for lock in locks] == ["account:bob"]  # one new lock: one alert
    locked = throttle.begin(bob, many + timedelta(minutes=LOCK_AFTER + 1))
    assert not locked.allowed and 600 < locked.retry_after <= 900
    assert throttle.unlock("bob")
    assert throttle.begin(bob, many + timedelta(minutes=LOCK_AFTER + 1)).allowed


def test_a_known_device_gets_past_a_lock_others_put_on_the_account(store):
    throttle = Throttle(store)
    for k in range(LOCK_AFTER):  # rotating addresses lock dave
        _fail(throttle, subjects_for("dave", f"198.51.100.{k}", None), NOW + timedelta(seconds=k * 60))
    later = NOW + timedelta(minutes=LOCK_AFTER)
    assert not throttle.begin(subjects_for("dave", "203.0.113.9", None), later).allowed
    from_device = throttle.begin(subjects_for("dave", "203.0.113.9", "device-hash"), later)
    assert from_device.allowed
    throttle.succeeded(from_device)
    assert not throttle.begin(subjects_for("dave", "198.51.100.99", None), later).allowed  # still locked for others


def test_concurrent_wrong_passwords_are_counted_before_hashing(store):
    """40 attempts at once (threads, each its own connection): only SLOW_AFTER get a check."""
    accounts, throttle = Accounts(store), Throttle(store)
    accounts.add("dave", "press", SECRET, NOW, **WHO)
    checked = []

    def attempt(k: int) -> None:
        decision = throttle.begin(subjects_for("dave", f"192.0.2.{k}", None), NOW)
        if decision.allowed:
            checked.append(k)
            assert accounts.verify("dave", "wrong-password") is None
            throttle.failed(decision, NOW)

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(attempt, range(40)))
    assert len(checked) == SLOW_AFTER


def test_alerts_are_kept_and_listed(store):
    alerts = Alerts(store, env={})
    alerts.send("login-lock", "account:dave", "account:dave is locked after 10 failed sign-ins", NOW)
    [alert] = alerts.list()
    assert (alert.kind, alert.subject) == ("login-lock", "account:dave")


def test_accounts_made_before_staff_accounts_are_adopted_once(tmp_path: Path):
    path = tmp_path / "operational.sqlite"
    with sqlite3.connect(path) as con:  # the pre-release area's table before the move
        con.execute("CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT, password_hash TEXT, disabled INTEGER, "
                    "created_at TEXT, disabled_at TEXT)")
        con.execute("INSERT INTO users VALUES ('old', 'press', 'x', 0, '2026-01-01T00:00:00+00:00', NULL)")
    store = staff_store(path)
    adopt_prerelease_accounts(store)
    adopt_prerelease_accounts(store)
    [old] = Accounts(store).list()
    assert (old.name, old.role, old.display_name) == ("old", "press", None)
