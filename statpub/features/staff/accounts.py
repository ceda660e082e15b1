"""Staff accounts, their sessions and their known devices, in the operational store.

Passwords are hashed with Argon2id (argon2-cffi); the clear text is never stored or logged. Session
and device tokens are random; only their SHA-256 is stored, so a copy of the store opens nothing.
The login name is private (it is half of what an attacker needs); what may be published about an
account is its display name and organisation. Every time comes from the caller (the injectable
clock), never from the system clock directly.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from statpub.features.staff.roles import ROLES
from statpub.kernel.errors import NotFound, UserError
from statpub.store import Store
from statpub.warehouse.gate import Reader

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
MIN_PASSWORD_LENGTH = 10
MAX_TEXT = 120  # display names and organisations
SESSION_LIFETIME = timedelta(hours=8)  # a working day; the longest pre-release window is 24 h
DEVICE_LIFETIME = timedelta(days=180)

_hasher = PasswordHasher()
_COLUMNS = "name, role, display_name, organisation, disabled, created_at, disabled_at"


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    display_name: str | None
    organisation: str | None
    disabled: bool
    created_at: str
    disabled_at: str | None

    def reader(self) -> Reader:
        return Reader(self.name, self.role, self.display_name, self.organisation)

    def to_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified when the name is unknown, so a wrong name costs as much time as a wrong password
    (made on first use, not at import: every `statpub` command imports this module)."""
    return _hasher.hash("statpub-no-such-account")


def iso(at: datetime) -> str:
    """UTC with a fixed width, so the store can compare instants as text."""
    if at.tzinfo is None:
        raise ValueError("times in the store are aware instants")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_name(name: str) -> str:
    if not NAME_RE.match(name or ""):
        raise UserError(f"account name {name!r}: use 2–64 letters, digits, '.', '_', '-' or '@', "
                        "starting with a letter or digit")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    return role


def check_text(value: str | None, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise UserError(f"the {what} is required: it is what the site publishes instead of the login name")
    if len(text) > MAX_TEXT or any(ord(c) < 32 for c in text):
        raise UserError(f"the {what} must be one line of at most {MAX_TEXT} characters")
    return text


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password or "\n" in password:
        raise UserError("the password must not start or end with spaces or contain line breaks")
    return password


def _account(row) -> Account:
    return Account(row["name"], row["role"], row["display_name"], row["organisation"], bool(row["disabled"]),
                   row["created_at"], row["disabled_at"])


class Accounts:
    def __init__(self, store: Store):
        self.store = store

    # -- accounts -----------------------------------------------------------------------------
    def add(self, name: str, role: str, password: str, now: datetime, *, display_name: str,
            organisation: str) -> Account:
        check_name(name)
        check_role(role)
        shown, org = check_text(display_name, "display name"), check_text(organisation, "organisation")
        digest = _hasher.hash(check_password(password))
        with self.store.transaction() as con:
            if con.execute("SELECT 1 FROM staff_accounts WHERE lower(name) = lower(?)", [name]).fetchone():
                raise UserError(f"account {name!r} already exists")
            con.execute("INSERT INTO staff_accounts (name, role, display_name, organisation, password_hash, "
                        "created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [name, role, shown, org, digest, iso(now), iso(now)])
        return self.get(name)

    def get(self, name: str) -> Account:
        with self.store.connect() as con:
            row = con.execute(f"SELECT {_COLUMNS} FROM staff_accounts WHERE name = ?", [name]).fetchone()  # noqa: S608 - fixed
        if row is None:
            raise NotFound(f"no account named {name!r}")
        return _account(row)

    def list(self) -> list[Account]:
        with self.store.connect() as con:
            rows = con.execute(f"SELECT {_COLUMNS} FROM staff_accounts ORDER BY name").fetchall()  # noqa: S608 - fixed
        return [_account(r) for r in rows]

    def edit(self, name: str, *, display_name: str | None = None, organisation: str | None = None,
             role: str | None = None) -> Account:
        account = self.get(name)
        values = [check_text(display_name, "display name") if display_name is not None else account.display_name,
                  check_text(organisation, "organisation") if organisation is not None else account.organisation,
                  check_role(role) if role is not None else account.role]
        with self.store.transaction() as con:
            con.execute("UPDATE staff_accounts SET display_name = ?, organisation = ?, role = ? WHERE name = ?",
                        [*values, name])
            if role is not None and role != account.role:  # rights change: sign in again
                con.execute("DELETE FROM staff_sessions WHERE user_name = ?", [name])
        return self.get(name)

    def disable(self, name: str, now: datetime) -> Account:
        """Disable an account and end its sessions at once (kept, so the log still names it)."""
        with self.store.transaction() as con:
            found = con.execute("UPDATE staff_accounts SET disabled = 1, disabled_at = coalesce(disabled_at, ?) "
                                "WHERE name = ?", [iso(now), name]).rowcount
            if not found:
                raise NotFound(f"no account named {name!r}")
            con.execute("DELETE FROM staff_sessions WHERE user_name = ?", [name])
        return self.get(name)

    def set_password(self, name: str, password: str, now: datetime) -> Account:
        """A staff reset: new password, every session and known device forgotten."""
        digest = _hasher.hash(check_password(password))
        with self.store.transaction() as con:
            found = con.execute("UPDATE staff_accounts SET password_hash = ?, password_changed_at = ? "
                                "WHERE name = ?", [digest, iso(now), name]).rowcount
            if not found:
                raise NotFound(f"no account named {name!r}")
            con.execute("DELETE FROM staff_sessions WHERE user_name = ?", [name])
            con.execute("DELETE FROM staff_devices WHERE user_name = ?", [name])
        return self.get(name)

    def verify(self, name: str, password: str) -> Account | None:
        """The enabled account if the password matches, else None (same cost either way)."""
        with self.store.connect() as con:
            row = con.execute(f"SELECT {_COLUMNS}, password_hash FROM staff_accounts WHERE name = ?",  # noqa: S608 - fixed
                              [name]).fetchone()
        digest = row["password_hash"] if row else _dummy_hash()
        try:
            _hasher.verify(digest, password)
            matched = row is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            matched = False
        if not matched or row["disabled"]:
            return None
        return _account(row)

    # -- sessions -----------------------------------------------------------------------------
    def open_session(self, account: Account, now: datetime) -> tuple[str, datetime]:
        token = secrets.token_urlsafe(32)
        expires = now + SESSION_LIFETIME
        with self.store.transaction() as con:
            con.execute("DELETE FROM staff_sessions WHERE expires_at <= ?", [iso(now)])
            con.execute("INSERT INTO staff_sessions (token_hash, user_name, created_at, expires_at) "
                        "VALUES (?, ?, ?, ?)", [token_hash(token), account.name, iso(now), iso(expires)])
        return token, expires

    def session_account(self, token: str, now: datetime) -> Account | None:
        """The account of a live session on an enabled account, else None."""
        if not token or len(token) > 200:
            return None
        with self.store.connect() as con:
            row = con.execute(
                "SELECT a.name, a.role, a.display_name, a.organisation, a.disabled, a.created_at, a.disabled_at, "
                "s.expires_at FROM staff_sessions s JOIN staff_accounts a ON a.name = s.user_name "
                "WHERE s.token_hash = ? AND a.disabled = 0", [token_hash(token)]).fetchone()
        if row is None or datetime.fromisoformat(row["expires_at"]) <= now:
            return None
        return _account(row)

    def close_session(self, token: str) -> None:
        with self.store.connect() as con:
            con.execute("DELETE FROM staff_sessions WHERE token_hash = ?", [token_hash(token)])

    # -- known devices --------------------------------------------------------------------------
    def remember_device(self, account: Account, now: datetime) -> tuple[str, datetime]:
        token = secrets.token_urlsafe(32)
        expires = now + DEVICE_LIFETIME
        with self.store.transaction() as con:
            con.execute("DELETE FROM staff_devices WHERE expires_at <= ?", [iso(now)])
            con.execute("INSERT INTO staff_devices (token_hash, user_name, created_at, expires_at) "
                        "VALUES (?, ?, ?, ?)", [token_hash(token), account.name, iso(now), iso(expires)])
        return token, expires

    def known_device(self, token: str | None, name: str, now: datetime) -> str | None:
        """The device's id (its token's hash) if `token` is a live device of account `name`."""
        if not token or len(token) > 200:
            return None
        digest = token_hash(token)
        with self.store.connect() as con:
            row = con.execute("SELECT expires_at FROM staff_devices WHERE token_hash = ? AND user_name = ?",
                              [digest, name]).fetchone()
        if row is None or datetime.fromisoformat(row["expires_at"]) <= now:
            return None
        return digest
