"""Named pre-release accounts (press and reviewer), their sessions, and login throttling.

Passwords are hashed with Argon2id (argon2-cffi); the clear text is never stored or logged.
Session tokens are random; only their SHA-256 is stored, so a copy of the store opens no session.
Every time comes from the caller (the injectable clock), never from the system clock directly.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from statpub.kernel.errors import NotFound, UserError
from statpub.store import Store

ACCOUNT_ROLES = ("press", "reviewer")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
MIN_PASSWORD_LENGTH = 10
SESSION_LIFETIME = timedelta(hours=8)  # a working day; the longest window is 24 h

# Throttling: after SLOW_AFTER failures within FAILURE_WINDOW, each attempt must wait a doubling
# delay after the last failure; after LOCK_AFTER failures, every attempt is refused until the
# window has passed since the last one. Counted per account name and, more loosely (an office's
# staff may share one address), per client address.
FAILURE_WINDOW = timedelta(minutes=15)
SLOW_AFTER = 3
LOCK_AFTER = 10
ADDRESS_SLOW_AFTER = 10
ADDRESS_LOCK_AFTER = 30
MAX_DELAY = timedelta(seconds=60)

_hasher = PasswordHasher()
# Verified when the name is unknown, so a wrong name costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash("statpub-no-such-account")


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    disabled: bool
    created_at: str
    disabled_at: str | None


@dataclass(frozen=True)
class Throttle:
    allowed: bool
    retry_after: int = 0  # seconds
    failures: int = 0


def iso(at: datetime) -> str:
    """UTC with a fixed width, so the store can compare instants as text."""
    if at.tzinfo is None:
        raise ValueError("times in the store are aware instants")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_name(name: str) -> str:
    if not NAME_RE.match(name or ""):
        raise UserError(f"account name {name!r}: use 2–64 letters, digits, '.', '_', '-' or '@', "
                        "starting with a letter or digit")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password or "\n" in password:
        raise UserError("the password must not start or end with spaces or contain line breaks")
    return password


class Accounts:
    def __init__(self, store: Store):
        self.store = store

    # -- accounts -----------------------------------------------------------------------------
    def add(self, name: str, role: str, password: str, now: datetime) -> Account:
        check_name(name)
        if role not in ACCOUNT_ROLES:
            raise UserError(f"role {role!r}: expected one of {', '.join(ACCOUNT_ROLES)}")
        digest = _hasher.hash(check_password(password))
        with self.store.transaction() as con:
            if con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
                raise UserError(f"account {name!r} already exists")
            con.execute("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                        [name, role, digest, iso(now)])
        return self.get(name)

    def get(self, name: str) -> Account:
        with self.store.connect() as con:
            row = con.execute("SELECT name, role, disabled, created_at, disabled_at FROM users "
                              "WHERE name = ?", [name]).fetchone()
        if row is None:
            raise NotFound(f"no account named {name!r}")
        return Account(row["name"], row["role"], bool(row["disabled"]), row["created_at"],
                       row["disabled_at"])

    def list(self) -> list[Account]:
        with self.store.connect() as con:
            rows = con.execute("SELECT name, role, disabled, created_at, disabled_at FROM users "
                               "ORDER BY name").fetchall()
        return [Account(r["name"], r["role"], bool(r["disabled"]), r["created_at"], r["disabled_at"])
                for r in rows]

    def disable(self, name: str, now: datetime) -> Account:
        """Disable an account and end its sessions at once (kept, so the log still names it)."""
        with self.store.transaction() as con:
            found = con.execute("UPDATE users SET disabled = 1, disabled_at = coalesce(disabled_at, ?) "
                                "WHERE name = ?", [iso(now), name]).rowcount
            if not found:
                raise NotFound(f"no account named {name!r}")
            con.execute("DELETE FROM sessions WHERE user_name = ?", [name])
        return self.get(name)

    def authenticate(self, name: str, password: str) -> Account | None:
        """The enabled account if the password matches, else None (same cost either way)."""
        with self.store.connect() as con:
            row = con.execute("SELECT name, role, password_hash, disabled, created_at, disabled_at "
                              "FROM users WHERE name = ?", [name]).fetchone()
        digest = row["password_hash"] if row else _DUMMY_HASH
        try:
            _hasher.verify(digest, password)
            matched = row is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            matched = False
        if not matched or row["disabled"]:
            return None
        return Account(row["name"], row["role"], False, row["created_at"], row["disabled_at"])

    # -- sessions -----------------------------------------------------------------------------
    def open_session(self, account: Account, now: datetime) -> tuple[str, datetime]:
        token = secrets.token_urlsafe(32)
        expires = now + SESSION_LIFETIME
        with self.store.transaction() as con:
            con.execute("DELETE FROM sessions WHERE expires_at <= ?", [iso(now)])
            con.execute("INSERT INTO sessions (token_hash, user_name, created_at, expires_at) "
                        "VALUES (?, ?, ?, ?)", [_token_hash(token), account.name, iso(now), iso(expires)])
        return token, expires

    def session_account(self, token: str, now: datetime) -> Account | None:
        """The account of a live session on an enabled account, else None."""
        if not token or len(token) > 200:
            return None
        with self.store.connect() as con:
            row = con.execute(
                "SELECT u.name, u.role, u.created_at, u.disabled_at, s.expires_at FROM sessions s "
                "JOIN users u ON u.name = s.user_name WHERE s.token_hash = ? AND u.disabled = 0",
                [_token_hash(token)]).fetchone()
        if row is None or datetime.fromisoformat(row["expires_at"]) <= now:
            return None
        return Account(row["name"], row["role"], False, row["created_at"], row["disabled_at"])

    def close_session(self, token: str) -> None:
        with self.store.connect() as con:
            con.execute("DELETE FROM sessions WHERE token_hash = ?", [_token_hash(token)])

    # -- throttling ---------------------------------------------------------------------------
    def throttle(self, subjects: list[str], now: datetime) -> Throttle:
        """May a login be attempted for these subjects (the name, the client address) now?"""
        worst = Throttle(True)
        with self.store.connect() as con:
            for subject in subjects:
                rows = con.execute("SELECT at FROM login_failures WHERE subject = ? AND at > ? "
                                   "ORDER BY at", [subject, iso(now - FAILURE_WINDOW)]).fetchall()
                limits = (ADDRESS_SLOW_AFTER, ADDRESS_LOCK_AFTER) if subject.startswith("ip:") else (SLOW_AFTER, LOCK_AFTER)
                decision = _decide([datetime.fromisoformat(r["at"]) for r in rows], now, *limits)
                if not decision.allowed and decision.retry_after >= worst.retry_after:
                    worst = decision
        return worst

    def record_failure(self, subjects: list[str], now: datetime) -> None:
        with self.store.transaction() as con:
            con.execute("DELETE FROM login_failures WHERE at <= ?", [iso(now - FAILURE_WINDOW)])
            con.executemany("INSERT INTO login_failures (subject, at) VALUES (?, ?)",
                            [(s, iso(now)) for s in subjects])

    def clear_failures(self, subject: str) -> None:
        with self.store.connect() as con:
            con.execute("DELETE FROM login_failures WHERE subject = ?", [subject])


def _decide(failures: list[datetime], now: datetime, slow_after: int, lock_after: int) -> Throttle:
    count = len(failures)
    if count < slow_after:
        return Throttle(True, 0, count)
    last = failures[-1]
    if count >= lock_after:
        wait = last + FAILURE_WINDOW - now
    else:
        wait = last + min(MAX_DELAY, timedelta(seconds=2 ** (count - slow_after))) - now
    seconds = int(wait.total_seconds() + 0.999)
    return Throttle(seconds <= 0, max(0, seconds), count)
