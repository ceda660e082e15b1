"""Where the staff tables live (the operational store), shared by the web tier and the CLI."""

from __future__ import annotations

import logging
from pathlib import Path

from statpub.features.staff.accounts import Accounts
from statpub.features.staff.alerts import Alerts
from statpub.features.staff.throttle import Throttle
from statpub.kernel.config import Settings
from statpub.store import Store, open_store

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger("statpub.staff")
_adopted: set[int] = set()


def store_for(settings: Settings) -> Store:
    """The operational store with the staff tables in place."""
    store = open_store(settings)
    store.migrate("staff", MIGRATIONS)
    if id(store) not in _adopted:
        adopt_prerelease_accounts(store)
        _adopted.add(id(store))
    return store


def adopt_prerelease_accounts(store: Store) -> None:
    """Accounts made before staff accounts existed lived in the pre-release area's `users` table:
    copy them once (passwords kept; no display name yet — `statpub user edit` adds one, and until
    then the published access list names only their role)."""
    try:
        with store.connect() as con:
            rows = con.execute("SELECT name, role, password_hash, disabled, created_at, disabled_at "
                               "FROM users").fetchall()
    except Exception:  # no such table: a store made after the move (the error type is the engine's)
        return
    if not rows:
        return
    with store.transaction() as con:
        if con.execute("SELECT count(*) AS n FROM staff_accounts").fetchone()["n"]:
            return
        con.executemany(
            "INSERT INTO staff_accounts (name, role, password_hash, disabled, created_at, disabled_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(r["name"], r["role"], r["password_hash"], r["disabled"], r["created_at"], r["disabled_at"])
             for r in rows])
    log.warning("adopted %d pre-release account(s) as staff accounts; give each a display name with "
                "`statpub user edit NAME --display-name … --org …`", len(rows))


def accounts_for(settings: Settings) -> Accounts:
    return Accounts(store_for(settings))


def throttle_for(settings: Settings) -> Throttle:
    return Throttle(store_for(settings))


def alerts_for(settings: Settings) -> Alerts:
    return Alerts(store_for(settings))
