"""The message board's records: a citizen's message from receipt to a reviewed, published reply.

States (public): received → assigned → answered → closed, or not_accepted (with a public reason).
A reply is drafted by a responder and takes effect only when a reviewer — another person —
approves exactly that text (先审查后公开); only then is it answered, and published if the
responder asked for it. Every action is appended to `message_events` (who, role, when, what).

Who may do what is decided here, not in the pages: `responder` handles messages and sees contact
data; `reviewer` approves replies and sees messages without contact data; nobody else gets in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from statpub.features.messages.config import CATEGORIES, MessageRules
from statpub.features.messages.records import beijing_day, bump_public_version, iso, next_seq
from statpub.kernel.errors import NotFound, StatpubError, UserError
from statpub.kernel.workdays import WorkCalendar
from statpub.store import Store
from statpub.warehouse.gate import Reader

STATUSES = ("received", "assigned", "answered", "closed", "not_accepted")
OPEN_STATUSES = ("received", "assigned")
HANDLERS = frozenset({"responder"})       # list, assign, answer, not accept: sees contact data
REVIEWERS = frozenset({"reviewer"})       # approves replies for publication: no contact data
STAFF = HANDLERS | REVIEWERS
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{5,24}$")
REPLY_MAX = 10000


class Duplicate(StatpubError):
    status = 409
    title = "Duplicate"


class TooMany(StatpubError):
    status = 429
    title = "Too many requests"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class Forbidden(StatpubError):
    status = 403
    title = "Forbidden"


@dataclass(frozen=True)
class Subject:
    kind: str   # release | series | topic
    id: str
    topic: str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass
class Message:
    code: str
    about_kind: str
    about_id: str
    topic: str | None
    category: str
    rating: int | None
    text: str
    lang: str
    contact: str | None
    received_at: str
    received_on: str
    due_on: str
    due_provisional: bool
    status: str
    assignee: str | None = None
    department: str | None = None
    reason_zh: str | None = None
    reason_en: str | None = None
    question_zh: str | None = None
    question_en: str | None = None
    reply_zh: str | None = None
    reply_en: str | None = None
    reply_state: str = "none"
    reply_by: str | None = None
    reviewed_by: str | None = None
    publish: bool = False
    answered_on: str | None = None
    published_at: str | None = None
    contact_deleted_at: str | None = None
    events: list[dict] = field(default_factory=list)

    @property
    def about(self) -> str:
        return f"{self.about_kind}:{self.about_id}"

    def public_status(self) -> dict:
        """What the holder of the query code sees (no contact data, no staff names)."""
        body = {"code": self.code, "about": self.about, "category": self.category, "status": self.status,
                "received": self.received_on, "due": self.due_on, "due_provisional": self.due_provisional,
                "published": self.published_at is not None}
        if self.status == "not_accepted":
            body["reason"] = {"zh": self.reason_zh, "en": self.reason_en}
        if self.status in ("answered", "closed") and self.reply_state == "approved":
            body["reply"] = {"zh": self.reply_zh, "en": self.reply_en}
            body["department"] = self.department
            body["answered"] = self.answered_on
        return body


MESSAGE_FIELDS = tuple(f for f in Message.__dataclass_fields__ if f != "events")


def normalise_text(text: str) -> str:
    """NFC, no control characters but line breaks and tabs, trimmed: what is stored and shown."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")
    return text.strip()


def search_form(text: str) -> str:
    """Text as the search of published replies compares it, the same on every engine: compatibility
    forms unified (full-width Ａ and ０ are A and 0) and case folded in every script."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def text_fingerprint(subject: Subject, text: str) -> str:
    """Same words about the same subject, whatever the spacing and case: a duplicate."""
    folded = re.sub(r"\s+", "", text.casefold())
    return hashlib.sha256(f"{subject.key}\n{folded}".encode()).hexdigest()


def check_contact(contact: str | None, rules: MessageRules) -> str | None:
    contact = normalise_text(contact or "")
    if not contact:
        return None
    if len(contact) > rules.contact_max or not (EMAIL_RE.match(contact) or PHONE_RE.match(contact)):
        raise UserError("contact: an e-mail address or a phone number, or nothing · 联系方式：电子邮箱或电话号码，可不填")
    return contact


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def require(reader: Reader, roles: frozenset[str]) -> None:
    if reader.role not in roles or not reader.name:
        raise Forbidden("this needs the role " + " or ".join(sorted(roles)))


class Board:
    def __init__(self, store: Store, rules: MessageRules, calendar: WorkCalendar):
        self.store = store
        self.rules = rules
        self.calendar = calendar

    # -- the public side ----------------------------------------------------------------------
    def submit(self, subject: Subject, category: str, text: str, *, rating: int | None, contact: str | None,
               lang: str, client_hash: str, now: datetime) -> Message:
        """Receive a message: validated, rate limited per client, duplicates refused."""
        if category not in CATEGORIES:
            raise UserError(f"category: one of {', '.join(CATEGORIES)}")
        text = normalise_text(text)
        if not self.rules.text_min <= len(text) <= self.rules.text_max:
            raise UserError(f"text: {self.rules.text_min}–{self.rules.text_max} characters · "
                            f"留言内容：{self.rules.text_min}至{self.rules.text_max}个字")
        if category == "evaluation":
            if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
                raise UserError("rating: a whole number from 1 to 5 for an evaluation · 评分：1至5")
        elif rating is not None:
            raise UserError("rating: only an evaluation carries a rating · 仅评价可打分")
        contact = check_contact(contact, self.rules)
        received_on = beijing_day(now)
        deadline = self.calendar.add(received_on, self.rules.limit(category))
        fingerprint = text_fingerprint(subject, text)
        with self.store.transaction() as con:
            self._rate_limit(con, client_hash, now)
            self._no_duplicate(con, fingerprint, now)
            code = new_code()
            while con.execute("SELECT 1 FROM messages WHERE code = ?", [code]).fetchone():
                code = new_code()
            con.execute(
                "INSERT INTO messages (code, about_kind, about_id, topic, category, rating, text, lang, contact, "
                "client_hash, text_hash, received_at, received_on, due_on, due_provisional, status) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received')",
                [code, subject.kind, subject.id, subject.topic, category, rating, text, lang if lang == "en" else "zh",
                 contact, client_hash, fingerprint, iso(now), received_on.isoformat(), deadline.day.isoformat(),
                 int(deadline.provisional)])
            con.execute("INSERT INTO message_submissions (client_hash, at) VALUES (?, ?)", [client_hash, iso(now)])
            self._event(con, code, now, "public", "public", "received", None)
        return self.get(code)

    @staticmethod
    def _forget_submissions(con, now: datetime) -> int:
        """Submissions older than the longest rate window are no longer needed."""
        return con.execute("DELETE FROM message_submissions WHERE at < ?", [iso(now - timedelta(days=1))]).rowcount

    def prune_submissions(self, now: datetime) -> int:
        with self.store.transaction() as con:
            return self._forget_submissions(con, now)

    def _rate_limit(self, con, client_hash: str, now: datetime) -> None:
        self._forget_submissions(con, now)
        for span, limit, seconds in ((timedelta(hours=1), self.rules.rate_per_hour, 3600),
                                     (timedelta(days=1), self.rules.rate_per_day, 86400)):
            rows = con.execute("SELECT at FROM message_submissions WHERE client_hash = ? AND at > ? ORDER BY at",
                               [client_hash, iso(now - span)]).fetchall()
            if len(rows) >= limit:
                oldest = datetime.fromisoformat(rows[0]["at"])
                retry = max(1, int((oldest + span - now).total_seconds()) + 1)
                raise TooMany(f"too many messages from this address; try again in {retry} s · "
                              f"留言过于频繁，请{retry}秒后再试", min(retry, seconds))

    def _no_duplicate(self, con, fingerprint: str, now: datetime) -> None:
        if not self.rules.duplicate_hours:
            return
        since = iso(now - timedelta(hours=self.rules.duplicate_hours))
        if con.execute("SELECT 1 FROM messages WHERE text_hash = ? AND received_at > ?",
                       [fingerprint, since]).fetchone():
            raise Duplicate("the same message about the same subject was received already · 相同留言已收到")

    def get(self, code: str) -> Message:
        if not isinstance(code, str) or not CODE_RE.match(code):
            raise NotFound("no message with this query code")
        with self.store.connect() as con:
            row = con.execute(f"SELECT {', '.join(MESSAGE_FIELDS)} FROM messages WHERE code = ?",  # noqa: S608 - fixed names
                              [code]).fetchone()
            if row is None:
                raise NotFound("no message with this query code")
            events = [dict(r) for r in con.execute(
                "SELECT seq, at, actor, role, action, note FROM message_events WHERE code = ? ORDER BY seq",
                [code]).fetchall()]
        return _message(row, events)

    # -- the office side ----------------------------------------------------------------------
    def for_staff(self, code: str, reader: Reader) -> Message:
        """A message as staff see it: contact data only for the handling role."""
        require(reader, STAFF)
        message = self.get(code)
        if reader.role not in HANDLERS:
            message.contact = None
        return message

    def _event(self, con, code: str, now: datetime, actor: str, role: str, action: str, note: str | None) -> None:
        seq = next_seq(con, "message_events", "code", code)
        con.execute("INSERT INTO message_events (code, seq, at, actor, role, action, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [code, seq, iso(now), actor, role, action, note])

    def _change(self, code: str, reader: Reader, now: datetime, action: str, note: str | None,
                allowed: tuple[str, ...], sets: dict, *, public: bool = False) -> Message:
        """One action: checked against the message's status, applied, logged; `public`: it changes
        what the site's pages show."""
        with self.store.transaction() as con:
            row = con.execute("SELECT status, reply_state, reply_by, question_zh, question_en, reply_zh, reply_en "
                              "FROM messages WHERE code = ?", [code]).fetchone()
            if row is None:
                raise NotFound("no message with this query code")
            if row["status"] not in allowed:
                raise UserError(f"{action}: not possible while the message is {row['status']}")
            if callable(sets):
                sets = sets(row)
            if sets:
                assignments = ", ".join(f"{name} = ?" for name in sets)  # names are ours, values bound
                con.execute(f"UPDATE messages SET {assignments} WHERE code = ?",  # noqa: S608 - fixed names
                            [*sets.values(), code])
            self._event(con, code, now, reader.name, reader.role, action, note)
            if public:
                bump_public_version(con)
        return self.for_staff(code, reader)

    def assign(self, code: str, reader: Reader, now: datetime, *, assignee: str, department: str) -> Message:
        require(reader, HANDLERS)
        assignee, department = normalise_text(assignee)[:64], normalise_text(department)[:100]
        if not assignee or not department:
            raise UserError("assign: name the person and the department")
        names = {d.code: d.name.zh for d in self.rules.departments}
        if names and department not in names and department not in names.values():
            raise UserError(f"department: one of {', '.join(names.values())}")
        department = names.get(department, department)
        return self._change(code, reader, now, "assigned", f"{assignee} / {department}", ("received", "assigned"),
                            {"status": "assigned", "assignee": assignee, "department": department})

    def draft_reply(self, code: str, reader: Reader, now: datetime, *, question_zh: str, reply_zh: str,
                    question_en: str = "", reply_en: str = "", publish: bool = False) -> Message:
        """The reply and the question as it may be shown (edited for privacy), sent for review."""
        require(reader, HANDLERS)
        texts = {k: normalise_text(v)[:REPLY_MAX] or None for k, v in
                 (("question_zh", question_zh), ("reply_zh", reply_zh), ("question_en", question_en),
                  ("reply_en", reply_en))}
        if not texts["reply_zh"]:
            raise UserError("reply: the Chinese reply is required · 请填写答复内容")
        if publish and not texts["question_zh"]:
            raise UserError("question: a published reply needs the question as it may be shown · 公开答复须填写公开的问题")

        def sets(row) -> dict:
            if row["reply_state"] == "approved":
                raise UserError("reply: already approved")
            return {**texts, "reply_state": "submitted", "reply_by": reader.name, "publish": int(publish)}

        return self._change(code, reader, now, "reply_submitted", "publish" if publish else "not for publication",
                            ("received", "assigned"), sets)

    def review(self, code: str, reader: Reader, now: datetime, *, approve: bool, note: str = "") -> Message:
        """A reviewer (not the reply's author) approves the reply, or returns it with a note."""
        require(reader, REVIEWERS)
        note = normalise_text(note)[:1000] or None
        day = beijing_day(now).isoformat()

        def sets(row) -> dict:
            if row["reply_state"] != "submitted":
                raise UserError("review: there is no reply waiting for review")
            if row["reply_by"] == reader.name:
                raise Forbidden("review: the author of a reply cannot approve it")
            if not approve:
                return {"reply_state": "draft"}
            texts = [row[n] or "" for n in ("question_zh", "question_en", "reply_zh", "reply_en")]
            return {"reply_state": "approved", "reviewed_by": reader.name, "status": "answered",
                    "answered_at": iso(now), "answered_on": day, "search_text": search_form(" ".join(texts))}

        message = self._change(code, reader, now, "reply_approved" if approve else "reply_returned", note,
                               ("received", "assigned"), sets)
        if approve and message.publish:
            with self.store.transaction() as con:
                con.execute("UPDATE messages SET published_at = ? WHERE code = ?", [iso(now), code])
                self._event(con, code, now, reader.name, reader.role, "published", None)
                bump_public_version(con)
            message = self.for_staff(code, reader)
        return message

    def not_accept(self, code: str, reader: Reader, now: datetime, *, reason_zh: str, reason_en: str = "") -> Message:
        require(reader, HANDLERS)
        reason_zh, reason_en = normalise_text(reason_zh)[:500], normalise_text(reason_en)[:500]
        if not reason_zh:
            raise UserError("reason: say why the message is not accepted · 请说明不予受理的理由")
        return self._change(code, reader, now, "not_accepted", reason_zh, OPEN_STATUSES,
                            {"status": "not_accepted", "reason_zh": reason_zh, "reason_en": reason_en or None,
                             "closed_at": iso(now)})

    def close(self, code: str, reader: Reader, now: datetime) -> Message:
        require(reader, HANDLERS)
        return self._change(code, reader, now, "closed", None, ("answered",),
                            {"status": "closed", "closed_at": iso(now)})

    def withdraw_publication(self, code: str, reader: Reader, now: datetime, *, reason: str) -> Message:
        require(reader, REVIEWERS)
        reason = normalise_text(reason)[:500]
        if not reason:
            raise UserError("reason: say why the reply is withdrawn from publication")
        return self._change(code, reader, now, "unpublished", reason, ("answered", "closed"),
                            {"published_at": None, "publish": 0}, public=True)


def _message(row, events: list[dict]) -> Message:
    values = {name: row[name] for name in MESSAGE_FIELDS}
    values["due_provisional"] = bool(values["due_provisional"])
    values["publish"] = bool(values["publish"])
    return Message(**values, events=events)
