"""The pre-release access log: every view and export of a release before its instant, by whom.

Rows are only ever appended (the store's triggers refuse UPDATE and DELETE). After the instant,
who had pre-release access is public, as statistics codes require: `prerelease_access_list` gives
their display names, organisations and roles — never login names, which are half of what an
attacker needs — and nothing before the release is public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from statpub.store import Store
from statpub.warehouse.gate import Gate, Reader

WHATS = ("page", "figures", "pack", "callback", "download")
CHANNELS = ("web", "cli")


def iso(at: datetime) -> str:
    """UTC with a fixed width, so the store can compare instants as text."""
    if at.tzinfo is None:
        raise ValueError("times in the store are aware instants")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


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
    display_name: str | None = None
    organisation: str | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class AccessHolder:
    display_name: str | None  # None for an access recorded before display names existed
    organisation: str | None
    role: str

    def published(self) -> str:
        """How the holder is named in public: display name and organisation, never the login."""
        if not self.display_name:
            return "未登记姓名 · name not recorded"
        return f"{self.display_name}（{self.organisation}）" if self.organisation else self.display_name


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
                "INSERT INTO access_log (at, user_name, role, release_id, what, channel, file_name, sha256, "
                "display_name, organisation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [iso(at), reader.name, reader.role, release_id, what, channel, file_name, sha256,
                 reader.display_name, reader.organisation])

    def entries(self, release_id: str) -> list[AccessEntry]:
        with self.store.connect() as con:
            rows = con.execute(
                "SELECT at, user_name, role, release_id, what, channel, file_name, sha256, display_name, "
                "organisation FROM access_log WHERE release_id = ? ORDER BY id", [release_id]).fetchall()
        return [AccessEntry(**dict(row)) for row in rows]

    def holders(self, release_id: str, before: datetime) -> list[AccessHolder]:
        """Each account that opened the release before `before`, once, as it was named when it
        last did (a later change of organisation does not rewrite who had access then)."""
        with self.store.connect() as con:
            rows = con.execute(
                "SELECT user_name, role, display_name, organisation FROM access_log "
                "WHERE release_id = ? AND at < ? ORDER BY at", [release_id, iso(before)]).fetchall()
        latest = {(r["user_name"], r["role"]): AccessHolder(r["display_name"], r["organisation"], r["role"])
                  for r in rows}
        return sorted(latest.values(), key=lambda h: (h.role, h.display_name or "", h.organisation or ""))


def prerelease_access_list(log: AccessLog, gate: Gate, release_id: str) -> list[AccessHolder] | None:
    """Who had pre-release access (names and roles), for the release page — or None while the
    release is not public to this gate's reader at this gate's instant."""
    release = gate.calendar_entry(release_id)
    if release is None or not gate.is_public(release):
        return None
    return log.holders(release_id, release.instant)
