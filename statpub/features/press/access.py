"""The pre-release access log: every view and export of a release before its instant, by whom.

Rows are only ever appended (the store's triggers refuse UPDATE and DELETE). After the instant,
the names and roles of those who had pre-release access are public, as statistics codes require:
`prerelease_access_list` gives them, and nothing, before the release is public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from statpub.features.press.accounts import iso
from statpub.store import Store
from statpub.warehouse.gate import Gate, Reader

WHATS = ("page", "figures", "pack", "callback", "download")
CHANNELS = ("web", "cli")


@dataclass(frozen=True)
class AccessEntry:
    at: str
    user_name: str
    role: str
    release_id: str
    what: str
    channel: str
    file_name: str | None
    sha256: str | None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class AccessHolder:
    name: str
    role: str


class AccessLog:
    def __init__(self, store: Store):
        self.store = store

    def record(self, reader: Reader, release_id: str, what: str, at: datetime, *, channel: str = "web",
               file_name: str | None = None, sha256: str | None = None) -> None:
        """Append one entry. Raises if it cannot be written: callers hand nothing out then."""
        if not reader.has_prerelease_rights:
            raise ValueError("only named pre-release readers are logged")
        if what not in WHATS or channel not in CHANNELS:
            raise ValueError(f"unknown access {what!r} via {channel!r}")
        with self.store.connect() as con:
            con.execute(
                "INSERT INTO access_log (at, user_name, role, release_id, what, channel, file_name, sha256) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [iso(at), reader.name, reader.role, release_id, what, channel, file_name, sha256])

    def entries(self, release_id: str) -> list[AccessEntry]:
        with self.store.connect() as con:
            rows = con.execute(
                "SELECT at, user_name, role, release_id, what, channel, file_name, sha256 "
                "FROM access_log WHERE release_id = ? ORDER BY id", [release_id]).fetchall()
        return [AccessEntry(**dict(row)) for row in rows]

    def holders(self, release_id: str, before: datetime) -> list[AccessHolder]:
        """Distinct accounts that opened the release before `before`, by name."""
        with self.store.connect() as con:
            rows = con.execute(
                "SELECT DISTINCT user_name, role FROM access_log WHERE release_id = ? AND at < ? "
                "ORDER BY user_name, role", [release_id, iso(before)]).fetchall()
        return [AccessHolder(r["user_name"], r["role"]) for r in rows]


def prerelease_access_list(log: AccessLog, gate: Gate, release_id: str) -> list[AccessHolder] | None:
    """Who had pre-release access (names and roles), for the release page — or None while the
    release is not public to this gate's reader at this gate's instant."""
    release = gate.calendar_entry(release_id)
    if release is None or not gate.is_public(release):
        return None
    return log.holders(release_id, release.instant)
