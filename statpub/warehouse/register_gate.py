"""The register's path through the public gate: `gate.register` answers what of the proactive-
disclosure register the gate's reader may see at the gate's instant — each item's newest public
version (see `register_state` for the rule), with the privacy rules of its kind applied, its
attachments, and whether a survey project or report system has lapsed. An item not public now
is indistinguishable from one that does not exist. The catalogue of matters (what the office must
publish, its legal basis and time limits) and the privacy rules are the versions public at the
gate's instant (`register_catalogue`: approved, the stricter privacy rule applying at once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from statpub.kernel.errors import NotFound
from statpub.kernel.register_privacy import apply_privacy
from statpub.warehouse.reader import Snapshot
from statpub.warehouse.register_catalogue import RULES, PublicCatalogue, public_catalogue
from statpub.warehouse.register_state import (
    FileInfo,
    ItemVersion,
    MatterInfo,
    RegisterState,
    lapse_instant,
    public_until,
    state_of,
)

STAFF_ROLES = ("reviewer", "responder")


@dataclass(frozen=True)
class PublicItem:
    """One item as the public sees it now."""

    version: ItemVersion
    published: datetime  # when this version went public
    data: dict  # privacy rules applied
    lapsed: bool | None  # survey projects and report systems: lapsed now; None for other kinds
    lapses_at: datetime | None
    versions: tuple[tuple[str, datetime], ...]  # every version public so far: (content hash, since)

    @property
    def id(self) -> str:
        return self.version.item_id

    @property
    def kind(self) -> str:
        return self.version.kind

    @property
    def matter_id(self) -> str:
        return self.version.matter_id

    @property
    def files(self) -> tuple[FileInfo, ...]:
        return self.version.files

    def title(self, lang: str) -> str:
        return self.data["title"]["en" if lang == "en" else "zh"]

    @property
    def first_published(self) -> datetime:
        return self.versions[0][1]


class RegisterView:
    """The register for one gate (same snapshot, instant and reader)."""

    def __init__(self, snapshot: Snapshot, now: datetime, reader_role: str = "public"):
        self.snapshot = snapshot
        self.now = now
        self.reader_role = reader_role
        self.state: RegisterState = state_of(snapshot)
        self.catalogue: PublicCatalogue = public_catalogue(snapshot, self.state, now)
        self._items: dict[str, PublicItem] | None = None

    def _public(self) -> dict[str, PublicItem]:
        if self._items is None:
            self._items = {}
            by_item: dict[str, list[ItemVersion]] = {}
            for version in self.state.versions:
                by_item.setdefault(version.item_id, []).append(version)
            for item_id, versions in by_item.items():
                found = self._shown(versions)
                if found is not None:
                    self._items[item_id] = found
        return self._items

    def _shown(self, versions: list[ItemVersion]) -> PublicItem | None:
        state, now = self.state, self.now
        public = sorted(((state.since[v.key], v) for v in versions
                         if state.since[v.key] is not None and state.since[v.key] <= now), key=lambda p: p[0])
        if not public:
            return None
        since, version = public[-1]
        rule = self.catalogue.rule(version.kind)
        until = public_until(rule, version)
        if until is not None and until <= now:
            return None  # the kind's privacy rule: shown only so long
        lapses = lapse_instant(version)
        data = apply_privacy(version.kind, version.data, rule)
        return PublicItem(version, since, data, (lapses <= now) if lapses else None, lapses,
                          tuple((v.content_hash, s) for s, v in public))

    # -- what the public may ask ------------------------------------------------------------------
    def matters(self) -> tuple[MatterInfo, ...]:
        """The catalogue of matters as public now (approved versions)."""
        return self.catalogue.matters

    def matter(self, matter_id: str) -> MatterInfo | None:
        return self.catalogue.matter(matter_id)

    def time_limit(self, matter_id: str) -> int:
        """The approved time limit of the matter (working days)."""
        return self.catalogue.time_limit(matter_id)

    def items(self, kind: str | None = None) -> list[PublicItem]:
        """Public items (of one kind), newest first."""
        found = [i for i in self._public().values() if kind is None or i.kind == kind]
        return sorted(found, key=lambda i: (i.published, i.id), reverse=True)

    def item(self, item_id: str) -> PublicItem | None:
        return self._public().get(item_id)

    def require(self, item_id: str) -> PublicItem:
        found = self.item(item_id)
        if found is None:
            raise NotFound("Nothing is published at this address.")
        return found

    def file(self, item_id: str, name: str) -> tuple[FileInfo, bytes] | None:
        """An attachment of the item's public version, or None (missing and embargoed alike)."""
        item = self.item(item_id)
        info = next((f for f in item.files if f.name == name), None) if item else None
        if info is None:
            return None
        cur = self.snapshot.cursor()
        try:
            row = cur.execute("SELECT bytes FROM register_files WHERE sha256 = ?", [info.sha256]).fetchone()
        finally:
            cur.close()
        return (info, bytes(row[0])) if row else None

    def identity(self) -> str:
        """What the public register shows now, as a short key (for indexes and caches)."""
        return "|".join(f"{i.id}:{i.version.content_hash[:12]}:{int(bool(i.lapsed))}"
                        for i in sorted(self._public().values(), key=lambda i: i.id))

    # -- staff only -------------------------------------------------------------------------------
    def staff_state(self) -> RegisterState:
        """Every version, public or not, and the catalogue as the content holds it (edits awaiting
        approval included): for signed-in office staff only."""
        self._staff_only()
        return self.state

    def pending_matters(self) -> list[tuple[MatterInfo, MatterInfo | None]]:
        """Matters whose content awaits approval: (as the content holds it, as public now or None)."""
        self._staff_only()
        waiting = set(self.catalogue.pending_matters())
        return [(m, self.catalogue.matter(m.id)) for m in self.state.matters if m.id in waiting]

    def rules_pending(self) -> bool:
        self._staff_only()
        return RULES in self.catalogue.pending

    def _staff_only(self) -> None:
        if self.reader_role not in STAFF_ROLES:
            raise NotFound("Nothing is published at this address.")
