"""Words for the full-text index: Chinese segmented by jieba (precise mode for phrases, search mode
for the shorter words inside long ones, so 生产 finds 生产总值), other scripts as they are. The
index and the query are segmented the same way, so a quoted phrase matches where its words stand
next to each other in the text.

jieba's dictionary takes a second or more to prepare: it is loaded once per process, lazily, with
its cache beside the index (not in a shared temporary folder)."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

_LOCK = threading.Lock()
_TOKENIZER = None
# Runs of word characters: what the FTS5 tokenizer would keep of a token anyway.
_WORDY = re.compile(r"\w", re.UNICODE)


def tokenizer(cache_dir: Path | None = None):
    """The process's jieba tokenizer (made on first use)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        with _LOCK:
            if _TOKENIZER is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                found = jieba.Tokenizer()
                if cache_dir is not None:
                    cache_dir.mkdir(parents=True, exist_ok=True)
                    found.tmp_dir = str(cache_dir)
                found.initialize()
                _TOKENIZER = found
    return _TOKENIZER


def words(text: str) -> list[str]:
    """The words of a text in order (precise mode), lower-cased, without spaces and punctuation."""
    return [w.lower() for w in tokenizer().cut(text or "") if _WORDY.search(w)]


def subwords(text: str) -> list[str]:
    """The shorter words jieba finds inside long ones (search mode), for recall."""
    precise = set(words(text))
    return [w.lower() for w in tokenizer().cut_for_search(text or "")
            if _WORDY.search(w) and w.lower() not in precise]


def quoted(word: str) -> str:
    """One FTS5 string: every character of a user's word is literal inside the quotes."""
    return '"' + word.replace('"', '""') + '"'


def parse_query(text: str) -> tuple[str | None, list[str]]:
    """(an FTS5 MATCH expression or None when nothing searchable is left, the words to mark).

    Quoted parts are phrases (their words next to each other, in the title or the text); other
    words must all occur somewhere (a word may also match the shorter words of long ones)."""
    parts = re.split(r'"([^"]*)"', text or "")
    clauses, marks = [], []
    for index, part in enumerate(parts):
        found = words(part)
        if not found:
            continue
        marks += found
        if index % 2:  # inside quotes
            clauses.append("{title body} : " + quoted(" ".join(found)))
        else:
            clauses += [quoted(word) for word in found]
    return (" AND ".join(clauses) if clauses else None), marks
