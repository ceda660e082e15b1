"""What the board's and the applications' records share: instants as fixed-width UTC text, days
in Beijing, event numbers, the keyed hash of a client's address, and the version of what the
site's pages show of the board."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, date, datetime

from statpub.kernel.clock import beijing
from statpub.store import Store


def iso(at: datetime) -> str:
    """UTC with a fixed width, so the store compares instants as text."""
    if at.tzinfo is None:
        raise ValueError("times in the store are aware instants")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def beijing_day(at: datetime) -> date:
    return beijing(at).date()


def next_seq(con, table: str, key_column: str, key: str) -> int:
    """The next event number of one record (inside the writer's transaction: no two alike)."""
    row = con.execute(f"SELECT coalesce(max(seq), 0) AS n FROM {table} WHERE {key_column} = ?",  # noqa: S608 - fixed names
                      [key]).fetchone()
    return int(row["n"]) + 1


def store_secret(store: Store, name: str) -> bytes:
    """A random key made once per store and shared by every worker (form tokens, client hashes)."""
    with store.connect() as con:
        row = con.execute("SELECT value FROM messages_secrets WHERE name = ?", [name]).fetchone()
    if row is not None:
        return bytes.fromhex(row["value"])
    with store.transaction() as con:
        row = con.execute("SELECT value FROM messages_secrets WHERE name = ?", [name]).fetchone()
        if row is None:
            value = secrets.token_hex(32)
            con.execute("INSERT INTO messages_secrets (name, value) VALUES (?, ?)", [name, value])
            return bytes.fromhex(value)
    return bytes.fromhex(row["value"])


def client_hash(secret: bytes, address: str) -> str:
    """A client's address as the rate limits need it: comparable, not reversible without the key."""
    return hmac.new(secret, (address or "-").encode(), hashlib.sha256).hexdigest()[:32]


def bump_public_version(con) -> None:
    """Inside the transaction that changes what the pages show (a reply published or withdrawn,
    an FAQ entry saved): the page memo renders those pages anew."""
    con.execute("UPDATE messages_public_version SET version = version + 1 WHERE id = 1")


def public_version(store: Store) -> int:
    with store.connect() as con:
        row = con.execute("SELECT version FROM messages_public_version WHERE id = 1").fetchone()
    return int(row["version"]) if row is not None else 0
