"""The search index: one SQLite file with an FTS5 table per *public state* — the snapshot, the
releases public, the register's public versions and a fingerprint of what features add. A new
instant gives a new state and so a new file, built from the public gate at that instant: nothing
embargoed is ever written into an index before its instant, and nothing built before an instant is
used after it. Building writes a temporary file and renames it into place (readers never see a
half-built index; two workers building the same state write the same thing). Ranked with bm25:
a title weighs more than the text, whole words more than the shorter words found inside them.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from statpub.features.register.search.documents import SearchDoc, feature_documents, gather
from statpub.features.register.search.segment import parse_query, subwords, tokenizer, words
from statpub.warehouse.gate import Gate

TOKENIZE = "porter unicode61 remove_diacritics 2"
WEIGHTS = (8.0, 1.0, 0.4)  # title, body, subwords
KEEP_FILES = 3
FORMAT = "statpub-search/2"  # what and how documents are indexed: a change rebuilds every index
EXCERPT = 80  # characters either side of the first match
_BUILD_LOCK = threading.Lock()


@dataclass(frozen=True)
class Hit:
    kind: str
    subkind: str
    lang: str
    title: str
    url: str
    excerpt: str
    published: str | None
    score: float

    def to_dict(self) -> dict:
        return {"kind": self.kind, "subkind": self.subkind, "lang": self.lang, "title": self.title,
                "url": self.url, "excerpt": self.excerpt, "published": self.published,
                "score": round(self.score, 4)}


@dataclass(frozen=True)
class Results:
    total: int
    hits: list[Hit]
    marks: list[str]  # the query's words, for highlighting
    kinds: dict[str, int]  # hits per kind, before paging


def state_key(gate: Gate, hooks, settings) -> str:
    """What the public may search now, as a short key (cheap: ids and hashes, not texts)."""
    extra = [d.__dict__ for d in feature_documents(hooks, settings, gate)]
    parts = [FORMAT, gate.snapshot.name, ",".join(r.id for r in gate.visible_releases() if gate.is_public(r)),
             gate.register.identity(), hashlib.sha256(json.dumps(extra, sort_keys=True).encode()).hexdigest()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


class SearchIndex:
    """The indexes of one office: `<warehouse>/search/`."""

    def __init__(self, settings, hooks):
        self.settings = settings
        self.hooks = hooks
        self.folder = Path(settings.warehouse_dir) / "search"

    def path_for(self, key: str) -> Path:
        return self.folder / f"index-{key}.sqlite"

    def ensure(self, gate: Gate) -> Path:
        """The index for what the public gate shows now (built if missing)."""
        key = state_key(gate, self.hooks, self.settings)
        path = self.path_for(key)
        if path.is_file():
            return path
        with _BUILD_LOCK:  # one build per process at a time; other processes may build too
            if not path.is_file():
                self.build(path, gather(gate, self.hooks, self.settings), gate.now)
                self._prune(keep=path)
        return path

    def build(self, path: Path, docs: list[SearchDoc], now: datetime) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tokenizer(self.folder / "jieba")
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        tmp.unlink(missing_ok=True)
        con = sqlite3.connect(tmp)
        try:
            con.execute(f"CREATE VIRTUAL TABLE docs USING fts5(title, body, sub, key UNINDEXED, kind UNINDEXED, "
                        f"subkind UNINDEXED, lang UNINDEXED, url UNINDEXED, published UNINDEXED, "
                        f"title_text UNINDEXED, body_text UNINDEXED, tokenize = '{TOKENIZE}')")
            con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                (" ".join(words(d.title)), " ".join(words(d.body)), " ".join(subwords(f"{d.title}\n{d.body}")),
                 d.key, d.kind, d.subkind, d.lang, d.url, d.published, d.title, d.body) for d in docs])
            con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            con.executemany("INSERT INTO meta VALUES (?, ?)", [
                ["built_at", now.astimezone(UTC).isoformat()], ["documents", str(len(docs))]])
            con.commit()
        finally:
            con.close()
        os.replace(tmp, path)

    def _prune(self, keep: Path) -> None:
        """Drop older indexes (a reader that opened one keeps its file until it closes it)."""
        found = sorted(self.folder.glob("index-*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in [p for p in found if p != keep][KEEP_FILES - 1:]:
            old.unlink(missing_ok=True)
        cutoff = time.time() - 3600
        for tmp in self.folder.glob(".index-*"):
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink(missing_ok=True)


def search(path: Path, query: str, *, lang: str | None = None, kind: str | None = None,
           limit: int = 20, offset: int = 0) -> Results:
    """Ranked hits for a query (words or "quoted phrases"), optionally in one language or of one kind."""
    tokenizer(path.parent / "jieba")
    expression, marks = parse_query(query)
    if expression is None:
        return Results(0, [], [], {})
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        where = "docs MATCH ? AND (? IS NULL OR lang = ?)"
        args = [expression, lang, lang]
        kinds = dict(con.execute(f"SELECT kind, count(*) FROM docs WHERE {where} GROUP BY kind", args).fetchall())  # noqa: S608 - fixed text; values bound
        total = sum(n for k, n in kinds.items() if kind is None or k == kind)
        rows = con.execute(
            f"SELECT kind, subkind, lang, title_text, url, body_text, published, bm25(docs, ?, ?, ?) AS rank "  # noqa: S608 - fixed text; values bound
            f"FROM docs WHERE {where} AND (? IS NULL OR kind = ?) ORDER BY rank, key LIMIT ? OFFSET ?",
            [*WEIGHTS, *args, kind, kind, limit, offset]).fetchall()
    finally:
        con.close()
    hits = [Hit(k, sub, lg, title, url, excerpt(body, marks), published, -rank)
            for k, sub, lg, title, url, body, published, rank in rows]
    return Results(total, hits, marks, kinds)


def excerpt(text: str, marks: list[str]) -> str:
    """A window of the text around the first word of the query found in it."""
    flat = " ".join((text or "").split())
    lowered = flat.lower()
    found = [i for i in (lowered.find(m) for m in marks) if i >= 0]
    if not found:
        return flat[: 2 * EXCERPT] + ("…" if len(flat) > 2 * EXCERPT else "")
    start = max(0, min(found) - EXCERPT)
    end = min(len(flat), min(found) + EXCERPT)
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")
