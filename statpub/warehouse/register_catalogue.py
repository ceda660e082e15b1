"""The register's catalogue of matters and its privacy rules as the public sees them at an instant
(先审查、后公开 for the register's own metadata, issue 13 finding 2).

The catalogue (`register/catalogue.yaml`) is public metadata like a series' name: every version of
each matter (`register:matter:<id>`) and of the rules (`register:rules`: privacy per item kind and
`lapsing_days`) is recorded with the site's metadata (`etl/metadata.py`), and which version is
public at an instant is decided there (`metadata_review.py`), approved by
`statpub approve --metadata`. On top of that rule, the register's:

- **First catalogue.** The first catalogue a warehouse records is public from the start, without
  an approval: the office adopting the register, or a warehouse upgraded from one whose matters
  were public before they were reviewed. Everything later — an edit of a matter's names, legal
  basis, department, time limit…, or a matter *added* — shows nothing new until approved; until
  then the public sees the approved version (a new matter: not at all).
- **Structure.** Which matters exist and their order come from the catalogue as it is now, as for
  series: a matter removed from `catalogue.yaml` leaves the public catalogue at the next load
  (showing less never waits; a matter whose items went public cannot be removed — the register
  refuses items of an unknown matter).
- **Time limits.** An item's on time / late, in public and in the office's deadlines, counts with
  the time limit of its matter's *approved* version: an edit cannot move a published item from on
  time to late (or back) before it is approved. An item whose matter has no public version yet
  counts with the statutory 20 working days (条例第二十六条).
- **Privacy: the stricter applies.** Per item kind and per field, the public sees the stricter of
  the approved rule and the rule in the content now: a person's name full < masked < hidden,
  identity numbers masked < hidden, officials' names full < masked < hidden, and the shorter
  `show_days` (none: for ever). An edit that shows less of the people named in penalties, for
  less time, protects them at the next load; one that shows more waits for approval.
- `lapsing_days` only sets the office's own list of projects near expiry (nothing public): it is
  versioned and approved with the rules, and staff views use the content's value.
- A snapshot that recorded no register item (loaded by a statpub from before this review) shows
  the catalogue as it holds it.

Staff (reviewer, responder) may see the content's version, marked as awaiting approval
(`PublicCatalogue.pending`).
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime

from statpub.kernel.register_models import PrivacyRule
from statpub.warehouse import metadata_review
from statpub.warehouse.reader import Snapshot
from statpub.warehouse.register_state import (
    MatterInfo,
    RegisterState,
    next_change,
    public_until,
    state_of,
)

REGISTER = metadata_review.REGISTER
MATTER = REGISTER + "matter:"
RULES = REGISTER + "rules"
STATUTORY_LIMIT = 20  # working days (政府信息公开条例 Art. 26) when a matter has no public version
_STRICTNESS = {"person_name": ("full", "masked", "hidden"), "id_number": ("masked", "hidden"),
               "official_name": ("full", "masked", "hidden")}


def stricter(a: PrivacyRule, b: PrivacyRule) -> PrivacyRule:
    """Field by field, whichever of the two shows less, for less time."""
    values = {name: max(getattr(a, name), getattr(b, name), key=order.index) for name, order in _STRICTNESS.items()}
    days = [d for d in (a.show_days, b.show_days) if d is not None]
    return PrivacyRule(**values, show_days=min(days) if days else None)


@dataclass(frozen=True)
class PublicCatalogue:
    """The catalogue of matters and the privacy rules applied at one instant."""

    matters: tuple[MatterInfo, ...]  # public versions, in the content's order
    privacy: dict[str, PrivacyRule]  # kind → the rule applied (the stricter of approved and current)
    pending: tuple[str, ...] = ()  # items whose content differs from the public version
    _by_id: dict[str, MatterInfo] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({m.id: m for m in self.matters})

    def matter(self, matter_id: str) -> MatterInfo | None:
        return self._by_id.get(matter_id)

    def rule(self, kind: str) -> PrivacyRule:
        return self.privacy.get(kind) or PrivacyRule()

    def time_limit(self, matter_id: str) -> int:
        matter = self.matter(matter_id)
        return matter.time_limit if matter is not None else STATUTORY_LIMIT

    def pending_matters(self) -> tuple[str, ...]:
        return tuple(item[len(MATTER):] for item in self.pending if item.startswith(MATTER))


def _privacy(body: str) -> dict[str, PrivacyRule]:
    return {kind: PrivacyRule.model_validate(rule) for kind, rule in json.loads(body).get("privacy", {}).items()}


def public_catalogue(snapshot: Snapshot, state: RegisterState, at: datetime) -> PublicCatalogue:
    """What the public sees of the catalogue and the rules at `at` (see the module's rules)."""
    found = metadata_review.chosen_bodies(snapshot, at, REGISTER)
    if found is None:
        return PublicCatalogue(state.matters, dict(state.privacy))
    public, current = found
    matters = []
    for matter in state.matters:  # the content's matters, in its order; each as approved
        body = public.get(MATTER + matter.id)
        if body is not None:
            data = json.loads(body)
            matters.append(MatterInfo(matter.id, data.get("kind", matter.kind), matter.position, data))
    approved = _privacy(public[RULES]) if RULES in public else dict(state.privacy)
    applied = {kind: stricter(approved.get(kind) or PrivacyRule(), state.rule(kind))
               for kind in sorted(set(approved) | set(state.privacy))}
    pending = tuple(sorted(item for item, body in current.items() if public.get(item) != body))
    return PublicCatalogue(tuple(matters), applied, pending)


def change_points(snapshot: Snapshot, state: RegisterState) -> list[datetime]:
    """Every instant at which the public register changes: the items' own (register_state) and, for
    each privacy rule the public may see, when it withdraws an item, plus the instants an approved
    version of the catalogue goes public."""
    approvals = metadata_review.change_points(snapshot, REGISTER)
    points = set(state.change_points) | set(approvals)
    for at in [datetime.min.replace(tzinfo=UTC), *approvals]:
        rules = public_catalogue(snapshot, state, at)
        points |= {t for v in state.versions if state.since.get(v.key) is not None
                   and (t := public_until(rules.rule(v.kind), v)) is not None}
    return sorted(points)


_POINTS: weakref.WeakKeyDictionary[Snapshot, list[datetime]] = weakref.WeakKeyDictionary()


def register_change_points(snapshot: Snapshot) -> list[datetime]:
    """`change_points` of an opened snapshot, computed once."""
    points = _POINTS.get(snapshot)
    if points is None:
        points = _POINTS[snapshot] = change_points(snapshot, state_of(snapshot))
    return points


def register_next_change(snapshot: Snapshot, now: datetime) -> datetime | None:
    """The next instant after `now` at which the register's public part changes."""
    return next_change(register_change_points(snapshot), now)
