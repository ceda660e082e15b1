"""Lists of messages: the office's (open, overdue, due soon, by assignee) and the public's
(published replies, searchable), plus the upkeep every list relies on — provisional due dates
recomputed when the holidays of their year are entered, contact data deleted after retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from statpub.features.messages.board import OPEN_STATUSES, STAFF, Message, require, search_form
from statpub.features.messages.config import MessageRules
from statpub.features.messages.records import iso, next_seq
from statpub.kernel.workdays import WorkCalendar
from statpub.store import Store
from statpub.warehouse.gate import Reader

LIST_FIELDS = ("code", "about_kind", "about_id", "topic", "category", "status", "received_on", "due_on",
               "due_provisional", "assignee", "department", "reply_state", "published_at")
PUBLIC_FIELDS = ("code", "about_kind", "about_id", "category", "question_zh", "question_en", "reply_zh",
                 "reply_en", "department", "received_on", "answered_on")
MAX_PAGE = 200


@dataclass(frozen=True)
class Listed:
    code: str
    about: str
    topic: str | None
    category: str
    status: str
    received_on: str
    due_on: str
    due_provisional: bool
    assignee: str | None
    department: str | None
    reply_state: str
    published: bool
    overdue: bool
    due_soon: bool

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _like(term: str) -> str:
    """A LIKE pattern matching `term` literally (its own % and _ escaped)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Lists:
    def __init__(self, store: Store, rules: MessageRules, calendar: WorkCalendar):
        self.store = store
        self.rules = rules
        self.calendar = calendar

    def soon_limit(self, today: date) -> date:
        return self.calendar.add(today, self.rules.due_soon).day

    def staff_list(self, reader: Reader, today: date, *, status: str | None = None, open_only: bool = False,
                   overdue: bool = False, due_soon: bool = False, assignee: str | None = None, limit: int = 100,
                   offset: int = 0) -> tuple[int, list[Listed]]:
        """Messages for staff, oldest due first; `open_only` keeps those still to be handled,
        `overdue`/`due_soon` open ones past or near due. The filter is in the query, so the count
        and the page agree however many closed messages are due earlier."""
        require(reader, STAFF)
        where, params = ["1 = 1"], []
        if status:
            where.append("status = ?")
            params.append(status)
        if open_only or overdue or due_soon:
            where.append(f"status IN ({', '.join('?' for _ in OPEN_STATUSES)})")
            params.extend(OPEN_STATUSES)
        if overdue:
            where.append("due_on < ?")
            params.append(today.isoformat())
        if due_soon:
            where.append("due_on >= ? AND due_on <= ?")
            params.extend([today.isoformat(), self.soon_limit(today).isoformat()])
        if assignee:
            where.append("assignee = ?")
            params.append(assignee)
        clause = " AND ".join(where)  # fixed fragments; every value is bound
        with self.store.connect() as con:
            total = con.execute(f"SELECT count(*) AS n FROM messages WHERE {clause}", params).fetchone()["n"]  # noqa: S608
            rows = con.execute(
                f"SELECT {', '.join(LIST_FIELDS)} FROM messages WHERE {clause} "  # noqa: S608 - fixed names
                "ORDER BY due_on, received_on, code LIMIT ? OFFSET ?",
                [*params, min(limit, MAX_PAGE), max(0, offset)]).fetchall()
        soon = self.soon_limit(today).isoformat()
        return int(total), [self._listed(r, today.isoformat(), soon) for r in rows]

    @staticmethod
    def _listed(row, today: str, soon: str) -> Listed:
        is_open = row["status"] in OPEN_STATUSES
        return Listed(row["code"], f"{row['about_kind']}:{row['about_id']}", row["topic"], row["category"],
                      row["status"], row["received_on"], row["due_on"], bool(row["due_provisional"]),
                      row["assignee"], row["department"], row["reply_state"], row["published_at"] is not None,
                      is_open and row["due_on"] < today, is_open and today <= row["due_on"] <= soon)

    def published(self, *, about: str | None = None, topic: str | None = None, q: str | None = None,
                  limit: int = 20, offset: int = 0) -> tuple[int, list[dict]]:
        """Published replies, newest first: under a subject, a topic, or matching words (zh or en)."""
        where, params = ["published_at IS NOT NULL"], []
        if about:
            kind, _, ident = about.partition(":")
            where.append("about_kind = ? AND about_id = ?")
            params.extend([kind, ident])
        if topic:
            where.append("topic = ?")
            params.append(topic)
        for word in search_form(q or "").split()[:5]:
            where.append("search_text LIKE ? ESCAPE '\\'")
            params.append(_like(word[:50]))
        clause = " AND ".join(where)  # fixed fragments; every value is bound
        with self.store.connect() as con:
            total = con.execute(f"SELECT count(*) AS n FROM messages WHERE {clause}", params).fetchone()["n"]  # noqa: S608
            rows = con.execute(
                f"SELECT {', '.join(PUBLIC_FIELDS)} FROM messages WHERE {clause} "  # noqa: S608 - fixed names
                "ORDER BY published_at DESC, code LIMIT ? OFFSET ?",
                [*params, min(limit, MAX_PAGE), max(0, offset)]).fetchall()
        return int(total), [{**dict(r), "about": f"{r['about_kind']}:{r['about_id']}"} for r in rows]

    # -- upkeep ---------------------------------------------------------------------------------
    def refresh_due_dates(self, now: datetime) -> int:
        """Recompute provisional due dates once their year's holidays are known (or changed)."""
        with self.store.connect() as con:
            rows = con.execute("SELECT code, category, received_on, due_on FROM messages "
                               "WHERE due_provisional = 1").fetchall()
        changed = 0
        for row in rows:
            deadline = self.calendar.add(date.fromisoformat(row["received_on"]), self.rules.limit(row["category"]))
            if deadline.provisional and deadline.day.isoformat() == row["due_on"]:
                continue
            with self.store.transaction() as con:
                con.execute("UPDATE messages SET due_on = ?, due_provisional = ? WHERE code = ?",
                            [deadline.day.isoformat(), int(deadline.provisional), row["code"]])
                seq = next_seq(con, "message_events", "code", row["code"])
                con.execute("INSERT INTO message_events (code, seq, at, actor, role, action, note) "
                            "VALUES (?, ?, ?, 'system', 'system', 'due_recomputed', ?)",
                            [row["code"], seq, iso(now), f"{row['due_on']} → {deadline.day.isoformat()}"])
            changed += 1
        return changed

    def purge_contacts(self, now: datetime, retention_days: int) -> int:
        """Delete the contact data of messages closed longer ago than the retention period (the
        message, its reply and the statistics stay)."""
        cutoff = iso(now - timedelta(days=retention_days))
        with self.store.transaction() as con:
            codes = [r["code"] for r in con.execute(
                "SELECT code FROM messages WHERE contact IS NOT NULL AND status IN ('answered', 'closed', "
                "'not_accepted') AND coalesce(closed_at, answered_at) < ?", [cutoff]).fetchall()]
            for code in codes:
                con.execute("UPDATE messages SET contact = NULL, contact_deleted_at = ? WHERE code = ?",
                            [iso(now), code])
                seq = next_seq(con, "message_events", "code", code)
                con.execute("INSERT INTO message_events (code, seq, at, actor, role, action, note) "
                            "VALUES (?, ?, ?, 'system', 'system', 'contact_deleted', ?)",
                            [code, seq, iso(now), f"retention {retention_days} days"])
        return len(codes)


def summary(lists: Lists, reader: Reader, today: date) -> dict:
    """The daily summary: counts by state, overdue and due soon (codes only: no text, no contact)."""
    counts = {}
    with lists.store.connect() as con:
        for row in con.execute("SELECT status, count(*) AS n FROM messages GROUP BY status").fetchall():
            counts[row["status"]] = int(row["n"])
        waiting = con.execute("SELECT count(*) AS n FROM messages WHERE reply_state = 'submitted'").fetchone()["n"]
    _, overdue = lists.staff_list(reader, today, overdue=True, limit=MAX_PAGE)
    _, soon = lists.staff_list(reader, today, due_soon=True, limit=MAX_PAGE)
    return {"date": today.isoformat(), "by_status": counts, "awaiting_review": int(waiting),
            "overdue": [m.to_dict() for m in overdue], "due_soon": [m.to_dict() for m in soon]}


__all__ = ["Lists", "Listed", "Message", "summary"]
