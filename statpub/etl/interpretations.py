"""Interpretation texts (解读) loaded beside the data: every figure tag must name a figure the
release carries, so text and tables cannot disagree."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from statpub.kernel.errors import Problem
from statpub.kernel.figures import find_references

LANGS = ("zh", "en")


def interpretation_path(release_dir: Path, lang: str) -> Path:
    return release_dir / f"interpretation.{lang}.md"


def check_and_load(con: duckdb.DuckDBPyConnection, release_id: str, release_dir: Path,
                   display_dir: str) -> list[Problem]:
    """Validate both languages against the release's rows (in `checked`) and store them."""
    problems: list[Problem] = []
    texts = []
    for lang in LANGS:
        path = interpretation_path(release_dir, lang)
        if not path.is_file():
            continue
        display = f"{display_dir}/{path.name}"
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(display, None, None, None, f"not UTF-8 ({exc.reason})"))
            continue
        refs, errors = find_references(text)
        problems += [Problem(display, None, e.line, f"char {e.column}", str(e)) for e in errors]
        carried = _carried(con, {(r.code, r.period) for r in refs})
        for ref in refs:
            if (ref.code, ref.period) not in carried:
                problems.append(Problem(display, None, ref.line, f"char {ref.column}",
                                        f"figure {ref.code}@{ref.period} is not carried by release "
                                        f"{release_id}; an interpretation may only cite its own figures"))
        texts.append((release_id, lang, text, hashlib.sha256(text.encode()).hexdigest()))
    con.execute("DELETE FROM interpretations WHERE release_id = ?", [release_id])
    if texts and not problems:
        con.executemany("INSERT INTO interpretations VALUES (?, ?, ?, ?)", texts)
    return problems


def _carried(con: duckdb.DuckDBPyConnection, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of the cited (series, period) pairs the release's staged rows carry."""
    if not wanted:
        return set()
    codes = sorted({code for code, _ in wanted})
    rows = con.execute(
        "SELECT DISTINCT series_code, period FROM checked WHERE known AND list_contains(?, series_code)", [codes]
    ).fetchall()
    return {(code, period) for code, period in rows} & wanted
