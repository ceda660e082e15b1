"""Deadlines of proactive disclosure (条例第二十六条): an item goes public within its matter's time
limit — 20 working days unless the catalogue says otherwise — of being made or changed. Counted
by the one working-day engine (`kernel/workdays.py`, holidays and 调休 from `workdays.yaml`), as for
the message board: the day it was made or changed is not counted, the N-th working day after it is
the last day on time. The staff views come from the same numbers: due, overdue, lapsing, lapsed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from statpub.kernel.clock import beijing
from statpub.kernel.register_models import LAPSING_KINDS
from statpub.kernel.workdays import WorkCalendar
from statpub.warehouse.register_catalogue import PublicCatalogue
from statpub.warehouse.register_state import (
    ItemVersion,
    RegisterState,
    lapse_instant,
    why_not_public,
)


@dataclass(frozen=True)
class Timeliness:
    counts_from: date  # made, or changed
    due: date
    provisional: bool  # the due date reaches into a year whose holidays are not announced
    published_on: date | None
    working_days: int | None  # from counts_from to publication
    state: str  # on-time | late | pending | overdue

    def to_dict(self) -> dict:
        return {"counts_from": self.counts_from.isoformat(), "due": self.due.isoformat(),
                "due_provisional": self.provisional,
                "published": self.published_on.isoformat() if self.published_on else None,
                "working_days": self.working_days, "on_time": self.state == "on-time" if self.published_on else None,
                "state": self.state}


def timeliness(calendar: WorkCalendar, version: ItemVersion, limit: int, published: datetime | None,
               now: datetime) -> Timeliness:
    start = version.made_or_changed
    deadline = calendar.add(start, limit)
    if published is not None and published <= now:
        day = beijing(published).date()
        state = "on-time" if day <= deadline.day else "late"
        return Timeliness(start, deadline.day, deadline.provisional, day, calendar.count(start, day), state)
    today = beijing(now).date()
    return Timeliness(start, deadline.day, deadline.provisional, None, None,
                      "overdue" if today > deadline.day else "pending")


@dataclass(frozen=True)
class StaffRow:
    version: ItemVersion
    timeliness: Timeliness
    public_since: datetime | None  # of this current version (may be ahead: approved, instant to come)
    why: str  # what keeps it from going public ("" once it is or will be)
    validity: str | None  # current | lapsing | lapsed (survey projects and report systems)

    def to_dict(self) -> dict:
        v = self.version
        return {"id": v.item_id, "kind": v.kind, "matter": v.matter_id, "title": v.data["title"],
                "instant": v.instant.isoformat(),
                "public_since": self.public_since.isoformat() if self.public_since else None,
                **self.timeliness.to_dict(), "why": self.why or None, "validity": self.validity,
                "valid_until": v.data.get("valid_until")}


def validity(version: ItemVersion, now: datetime, lapsing_days: int) -> str | None:
    if version.kind not in LAPSING_KINDS:
        return None
    lapses = lapse_instant(version)
    if lapses is not None and lapses <= now:
        return "lapsed"
    if lapses is not None and lapses - now <= timedelta(days=lapsing_days):
        return "lapsing"
    return "current"


def staff_rows(state: RegisterState, calendar: WorkCalendar, now: datetime,
               time_limit: Callable[[str], int] | None = None) -> list[StaffRow]:
    """Every item's current version with its deadline, for the office (never public). `time_limit`:
    matter id → working days, the approved one (`RegisterView.time_limit`; without it, the
    content's catalogue as it is)."""
    if time_limit is None:  # the content's catalogue as it is, by the one rule for a matter's limit
        time_limit = PublicCatalogue(state.matters, dict(state.privacy)).time_limit
    rows = []
    for version in state.versions:
        if not version.current:
            continue
        since = state.since.get(version.key)
        published = since if since is not None and since <= now else None
        row = StaffRow(version, timeliness(calendar, version, time_limit(version.matter_id), published, now),
                       since, why_not_public(state, version), validity(version, now, state.lapsing_days))
        rows.append(row)
    return sorted(rows, key=lambda r: (r.timeliness.due, r.version.item_id))


def due_report(rows: list[StaffRow]) -> dict[str, list[StaffRow]]:
    """The staff views: not yet public and due, overdue, and validity lapsing or lapsed."""
    return {
        "overdue": [r for r in rows if r.timeliness.state == "overdue"],
        "due": [r for r in rows if r.timeliness.state == "pending"],
        "lapsing": [r for r in rows if r.validity == "lapsing"],
        "lapsed": [r for r in rows if r.validity == "lapsed"],
    }
