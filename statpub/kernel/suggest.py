"""“Did you mean …?” for codes, ids and field names typed by hand."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_matches(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to `word`, compared case-insensitively (best first)."""
    pool = list(dict.fromkeys(str(c) for c in candidates))
    by_folded: dict[str, str] = {}
    for c in pool:
        by_folded.setdefault(c.casefold(), c)
    matches = difflib.get_close_matches(str(word).casefold(), list(by_folded), n=n, cutoff=0.75)
    return [by_folded[m] for m in matches]


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`; did you mean 'GDP'?` (or 'GDP' or 'GDP2'), or nothing when nothing is close."""
    matches = close_matches(word, candidates)
    if not matches:
        return ""
    return "; did you mean " + " or ".join(repr(m) for m in matches) + "?"
