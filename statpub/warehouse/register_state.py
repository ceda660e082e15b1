"""The register as a snapshot holds it, read once per snapshot, and THE rule for when an item's
version is public (the register's counterpart of `publication.py`, and built on the same terms):

- a version is public from `max(its instant, its approval)` — 先审查、后公开: never before a named
  reviewer approved exactly its content hash, and never before its instant;
- 三同步: a document and its interpretation go out together or not at all — a version whose
  partner is required waits for the partner's current version to be approved too (and neither
  goes out while either is unapproved);
- once a load has seen a version public, the time is recorded and kept for ever
  (`public_since`); an old version never recorded public never goes public;
- the item shows its newest public version; a version whose kind's privacy rule limits how long
  it stays public leaves the public register at midnight (Beijing) `show_days` after its record
  date (the rule the public sees applied: `register_catalogue.py`, the stricter of the approved and
  the content's; `until` here is by the content's); a survey project or report system lapses at
  midnight after its last valid day.

Every instant at which any of this changes is a change point: the gate bounds caches with them.
"""

from __future__ import annotations

import bisect
import json
import weakref
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import duckdb

from statpub.kernel.clock import BEIJING
from statpub.kernel.register_models import LAPSING_KINDS, PrivacyRule
from statpub.warehouse.reader import Snapshot
from statpub.warehouse.review_state import has_table


@dataclass(frozen=True)
class FileInfo:
    name: str
    sha256: str
    size: int
    mimetype: str


@dataclass(frozen=True)
class ItemVersion:
    item_id: str
    content_hash: str
    kind: str
    matter_id: str
    instant: datetime
    created: date
    changed: date | None
    record_date: date
    data: dict = field(compare=False, hash=False)
    hashes: dict = field(compare=False, hash=False)
    files: tuple[FileInfo, ...]
    partner_id: str | None
    partner_required: bool
    current: bool
    loaded_at: datetime
    recorded_since: datetime | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.item_id, self.content_hash)

    @property
    def made_or_changed(self) -> date:
        return self.changed or self.created

    def title(self, lang: str) -> str:
        return self.data["title"]["en" if lang == "en" else "zh"]


@dataclass(frozen=True)
class MatterInfo:
    id: str
    kind: str
    position: int
    data: dict = field(compare=False, hash=False)

    def text(self, name: str, lang: str) -> str | None:
        value = self.data.get(name)
        return value["en" if lang == "en" else "zh"] if isinstance(value, dict) else value

    @property
    def time_limit(self) -> int:
        return int(self.data.get("time_limit", 20))


@dataclass(frozen=True)
class ApprovalRow:
    item_id: str
    reviewer: str
    approved_at: datetime
    content_hash: str
    hash_version: str


@dataclass
class RegisterState:
    matters: tuple[MatterInfo, ...] = ()
    versions: tuple[ItemVersion, ...] = ()
    approvals: tuple[ApprovalRow, ...] = ()
    privacy: dict[str, PrivacyRule] = field(default_factory=dict)
    lapsing_days: int = 60
    since: dict[tuple[str, str], datetime | None] = field(default_factory=dict)
    until: dict[tuple[str, str], datetime | None] = field(default_factory=dict)
    change_points: list[datetime] = field(default_factory=list)

    def rule(self, kind: str) -> PrivacyRule:
        return self.privacy.get(kind) or PrivacyRule()

    def matter(self, matter_id: str) -> MatterInfo | None:
        return next((m for m in self.matters if m.id == matter_id), None)

    def current(self) -> dict[str, ItemVersion]:
        return {v.item_id: v for v in self.versions if v.current}

    def approval_of(self, version: ItemVersion) -> ApprovalRow | None:
        """The earliest approval of exactly this content (under whichever hash version it was made)."""
        found = [a for a in self.approvals if a.item_id == version.item_id
                 and version.hashes.get(a.hash_version) == a.content_hash]
        return min(found, key=lambda a: a.approved_at, default=None)

    def latest_approval(self, item_id: str) -> ApprovalRow | None:
        found = [a for a in self.approvals if a.item_id == item_id]
        return found[-1] if found else None


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


def midnight_after(day: date) -> datetime:
    """Midnight (Beijing) at the end of `day`: the first instant of the next day."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), BEIJING).astimezone(UTC)


def lapse_instant(version: ItemVersion) -> datetime | None:
    """When a survey project or report system lapses: midnight after its last valid day."""
    if version.kind not in LAPSING_KINDS or not version.data.get("valid_until"):
        return None
    return midnight_after(date.fromisoformat(version.data["valid_until"]))


def read_state(cur: duckdb.DuckDBPyConnection) -> RegisterState:
    """Everything the register holds (empty for a snapshot from before the register existed)."""
    if not has_table(cur, "register_versions"):
        return RegisterState()
    matters = tuple(MatterInfo(mid, kind, pos, json.loads(js)) for mid, kind, pos, js in cur.execute(
        "SELECT matter_id, kind, position, matter_json FROM register_matters ORDER BY position").fetchall())
    settings = dict(cur.execute("SELECT key, value FROM register_settings").fetchall())
    privacy = {kind: PrivacyRule.model_validate(rule)
               for kind, rule in json.loads(settings.get("privacy", "{}")).items()}
    versions = []
    for row in cur.execute(
        "SELECT item_id, content_hash, kind, matter_id, instant, created, changed, record_date, item_json, "
        "hashes_json, files_json, partner_id, partner_required, is_current, loaded_at, public_since "
        "FROM register_versions ORDER BY item_id, loaded_at, content_hash"
    ).fetchall():
        (iid, chash, kind, matter, instant, created, changed, record, item_json, hashes, files, partner,
         required, current, loaded, since) = row
        versions.append(ItemVersion(iid, chash, kind, matter, _utc(instant), created, changed, record,
                                    json.loads(item_json), json.loads(hashes),
                                    tuple(FileInfo(**f) for f in json.loads(files)), partner, required, current,
                                    _utc(loaded), _utc(since)))
    approvals = tuple(ApprovalRow(iid, reviewer, _utc(at), chash, hv) for iid, reviewer, at, chash, hv in cur.execute(
        "SELECT item_id, reviewer, approved_at, content_hash, hash_version FROM register_approvals "
        "ORDER BY position").fetchall())
    state = RegisterState(matters, tuple(versions), approvals, privacy, int(settings.get("lapsing_days", "60")))
    settle(state)
    return state


def settle(state: RegisterState) -> None:
    """Compute when each version is public, when privacy withdraws it, and the change points."""
    current = state.current()
    state.since = {v.key: _public_since(state, v, current) for v in state.versions}
    state.until = {v.key: public_until(state.rule(v.kind), v) for v in state.versions}
    points = {t for t in state.since.values() if t is not None}
    points |= {t for t in state.until.values() if t is not None}
    points |= {t for v in state.versions if state.since[v.key] is not None and (t := lapse_instant(v))}
    state.change_points = sorted(points)


def _public_since(state: RegisterState, version: ItemVersion, current: dict[str, ItemVersion]) -> datetime | None:
    if version.recorded_since is not None:
        return version.recorded_since
    if not version.current:
        return None  # replaced before it ever went public
    approval = state.approval_of(version)
    if approval is None:
        return None
    times = [version.instant, approval.approved_at]
    if version.partner_required:
        partner = current.get(version.partner_id or "")
        if partner is None:
            return None  # 三同步: the interpretation (or document) it must go out with does not exist
        if partner.recorded_since is None:
            cleared = state.approval_of(partner)
            if cleared is None:
                return None  # 三同步: only one of the two is approved
            times += [partner.instant, cleared.approved_at]
    return max(times)


def public_until(rule: PrivacyRule, version: ItemVersion) -> datetime | None:
    """When `rule` withdraws the version from the public register (None: never)."""
    days = rule.show_days
    if days is None:
        return None
    return midnight_after(version.record_date + timedelta(days=days - 1))


def why_not_public(state: RegisterState, version: ItemVersion) -> str:
    """For staff: what keeps a current version from going public."""
    if state.since.get(version.key) is not None:
        return ""
    approval = state.approval_of(version)
    if approval is None:
        latest = state.latest_approval(version.item_id)
        if latest is not None:
            return f"approval void: the item changed after {latest.reviewer} approved it"
        return "needs approval (`statpub register approve`)"
    partner = state.current().get(version.partner_id or "")
    if version.partner_required and partner is None:
        return "三同步: its interpretation does not exist yet"
    return f"三同步: {version.partner_id} is not approved yet; the two go out together"


def next_change(points: list[datetime], now: datetime) -> datetime | None:
    index = bisect.bisect_right(points, now)
    return points[index] if index < len(points) else None


_STATES: weakref.WeakKeyDictionary[Snapshot, RegisterState] = weakref.WeakKeyDictionary()


def state_of(snapshot: Snapshot) -> RegisterState:
    """The register of an opened snapshot, read once."""
    state = _STATES.get(snapshot)
    if state is None:
        cur = snapshot.cursor()
        try:
            state = read_state(cur)
        finally:
            cur.close()
        _STATES[snapshot] = state
    return state
