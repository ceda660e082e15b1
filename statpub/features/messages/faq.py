"""Frequently asked questions (常见问题与解答) per topic, release or series: question, answer (zh,
en where given), sources, the date last reviewed, and the messages each entry came from."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from statpub.features.messages.board import CODE_RE, HANDLERS, normalise_text, require
from statpub.features.messages.records import bump_public_version, iso
from statpub.kernel.errors import NotFound, UserError
from statpub.store import Store
from statpub.warehouse.gate import Reader

SCOPES = ("release", "series", "topic")
FAQ_ID = re.compile(r"^[a-z0-9]{10}$")
FIELDS = ("id", "scope_kind", "scope_id", "position", "question_zh", "question_en", "answer_zh", "answer_en",
          "sources", "last_reviewed", "updated_by", "updated_at", "published")


@dataclass
class FaqEntry:
    id: str
    scope_kind: str
    scope_id: str
    position: int
    question_zh: str
    question_en: str | None
    answer_zh: str
    answer_en: str | None
    sources: str | None
    last_reviewed: str
    updated_by: str
    updated_at: str
    published: bool
    citations: list[str] = field(default_factory=list)

    @property
    def scope(self) -> str:
        return f"{self.scope_kind}:{self.scope_id}"

    def source_lines(self) -> list[tuple[str, str | None]]:
        """(title, address) per line of `sources`; an address is kept only if it is http(s) or a path."""
        out = []
        for line in (self.sources or "").splitlines():
            line = line.strip()
            if not line:
                continue
            title, _, address = line.rpartition(" ")
            if address.startswith(("https://", "http://", "/")) and title:
                out.append((title, address))
            else:
                out.append((line, None))
        return out

    def to_public(self) -> dict:
        return {"id": self.id, "scope": self.scope, "question": {"zh": self.question_zh, "en": self.question_en},
                "answer": {"zh": self.answer_zh, "en": self.answer_en}, "sources": self.source_lines(),
                "last_reviewed": self.last_reviewed, "messages": self.citations}


class Faq:
    def __init__(self, store: Store):
        self.store = store

    def entries(self, scope: str, *, include_hidden: bool = False) -> list[FaqEntry]:
        kind, _, ident = scope.partition(":")
        with self.store.connect() as con:
            rows = con.execute(
                f"SELECT {', '.join(FIELDS)} FROM faq_entries WHERE scope_kind = ? AND scope_id = ? "  # noqa: S608 - fixed names
                "AND (published = 1 OR ? = 1) ORDER BY position, id", [kind, ident, int(include_hidden)]).fetchall()
            entries = [_entry(r) for r in rows]
            for entry in entries:
                entry.citations = [r["code"] for r in con.execute(
                    "SELECT f.code FROM faq_citations f JOIN messages m ON m.code = f.code "
                    "WHERE f.faq_id = ? AND (m.published_at IS NOT NULL OR ? = 1) ORDER BY f.code",
                    [entry.id, int(include_hidden)]).fetchall()]
        return entries

    def get(self, entry_id: str) -> FaqEntry:
        with self.store.connect() as con:
            row = con.execute(f"SELECT {', '.join(FIELDS)} FROM faq_entries WHERE id = ?",  # noqa: S608 - fixed names
                              [entry_id]).fetchone()
            if row is None:
                raise NotFound("no such FAQ entry")
            entry = _entry(row)
            entry.citations = [r["code"] for r in con.execute(
                "SELECT code FROM faq_citations WHERE faq_id = ? ORDER BY code", [entry_id]).fetchall()]
        return entry

    def save(self, reader: Reader, now: datetime, *, scope: str, question_zh: str, answer_zh: str,
             question_en: str = "", answer_en: str = "", sources: str = "", cites: list[str] | tuple = (),
             position: int = 0, published: bool = True, entry_id: str | None = None,
             reviewed: date | None = None) -> FaqEntry:
        """Create or edit an entry (staff who handle messages); `cites` names the messages it came from."""
        require(reader, HANDLERS)
        kind, _, ident = scope.partition(":")
        if kind not in SCOPES or not ident or len(ident) > 64:
            raise UserError("scope: release:<id>, series:<code> or topic:<code>")
        values = {"question_zh": normalise_text(question_zh)[:500], "question_en": normalise_text(question_en)[:500] or None,
                  "answer_zh": normalise_text(answer_zh)[:10000], "answer_en": normalise_text(answer_en)[:10000] or None,
                  "sources": normalise_text(sources)[:2000] or None}
        if not values["question_zh"] or not values["answer_zh"]:
            raise UserError("question and answer in Chinese are required · 问题和解答（中文）必填")
        cites = sorted({c.strip().upper() for c in cites if c.strip()})
        bad = [c for c in cites if not CODE_RE.match(c)]
        if bad:
            raise UserError(f"cites: {bad[0]!r} is not a query code")
        reviewed_on = (reviewed or now.date()).isoformat()
        with self.store.transaction() as con:
            missing = [c for c in cites if not con.execute("SELECT 1 FROM messages WHERE code = ?", [c]).fetchone()]
            if missing:
                raise UserError(f"cites: no message {missing[0]}")
            if entry_id is None:
                entry_id = "".join(secrets.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(10))
                con.execute(
                    "INSERT INTO faq_entries (id, scope_kind, scope_id, position, question_zh, question_en, answer_zh, "
                    "answer_en, sources, last_reviewed, updated_by, updated_at, published) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [entry_id, kind, ident, int(position), *values.values(), reviewed_on, reader.name, iso(now),
                     int(published)])
            else:
                found = con.execute(
                    "UPDATE faq_entries SET scope_kind = ?, scope_id = ?, position = ?, question_zh = ?, question_en = ?, "
                    "answer_zh = ?, answer_en = ?, sources = ?, last_reviewed = ?, updated_by = ?, updated_at = ?, "
                    "published = ? WHERE id = ?",
                    [kind, ident, int(position), *values.values(), reviewed_on, reader.name, iso(now), int(published),
                     entry_id]).rowcount
                if not found:
                    raise NotFound("no such FAQ entry")
                con.execute("DELETE FROM faq_citations WHERE faq_id = ?", [entry_id])
            for code in cites:
                con.execute("INSERT INTO faq_citations (faq_id, code) VALUES (?, ?)", [entry_id, code])
            bump_public_version(con)
        return self.get(entry_id)

    def scopes(self) -> list[tuple[str, int]]:
        """Every scope with published entries and how many (for the FAQ index)."""
        with self.store.connect() as con:
            rows = con.execute("SELECT scope_kind, scope_id, count(*) AS n FROM faq_entries WHERE published = 1 "
                               "GROUP BY scope_kind, scope_id ORDER BY scope_kind, scope_id").fetchall()
        return [(f"{r['scope_kind']}:{r['scope_id']}", int(r["n"])) for r in rows]


def _entry(row) -> FaqEntry:
    values = {name: row[name] for name in FIELDS}
    values["published"] = bool(values["published"])
    return FaqEntry(**values)
