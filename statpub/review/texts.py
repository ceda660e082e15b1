"""Checks of the interpretation (解读) texts: present in Chinese and English, every figure tag
resolvable to a figure the release publishes (never a withheld one), and no figure typed by hand
(a bare number that equals one of the release's figures should be a tag)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from statpub.kernel.figures import Figure, FigureMissing, find_references, render
from statpub.review.findings import Finding
from statpub.warehouse.reader import ReleaseInfo, SeriesInfo

LANGS = {"zh": "Chinese", "en": "English"}
_TAG = re.compile(r"\{\{.*?\}\}", re.S)
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+")
_CODE = re.compile(r"`[^`]*`")
# ASCII boundaries: Chinese text runs straight into numbers (出口17,336.57亿元).
_NUMBER = re.compile(r"(?<![0-9A-Za-z_.,])[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?![0-9A-Za-z_])")


@dataclass(frozen=True)
class Carried:
    value: float | None
    status: str


def read_texts(cur: duckdb.DuckDBPyConnection, release_id: str) -> dict[str, str]:
    return dict(cur.execute("SELECT lang, markdown FROM interpretations WHERE release_id = ?",
                            [release_id]).fetchall())


def carried_figures(cur: duckdb.DuckDBPyConnection, release_id: str) -> dict[tuple[str, str], Carried]:
    return {(c, p): Carried(v, s or "") for c, p, v, s in cur.execute(
        "SELECT series_code, period, value, status FROM observations WHERE release_id = ?",
        [release_id]).fetchall()}


def check_texts(release: ReleaseInfo, texts: dict[str, str], carried: dict[tuple[str, str], Carried],
                series: dict[str, SeriesInfo]) -> list[Finding]:
    found: list[Finding] = []
    for lang, name in LANGS.items():
        where = f"releases/{release.id}/interpretation.{lang}.md"
        text = texts.get(lang)
        if text is None and release.review.history:
            # History was published elsewhere with its own texts; bringing them in is welcome, not required.
            found.append(Finding(release.id, "info", "interpretation", where,
                                 f"no {name} interpretation: history may be imported without one"))
            continue
        if text is None:
            found.append(Finding(release.id, "error", "interpretation", where,
                                 f"no {name} interpretation: text and data are published together"))
            continue
        refs, tag_errors = find_references(text)
        for err in tag_errors:
            found.append(Finding(release.id, "error", "interpretation", f"{where}:{err.line}", str(err)))
        for ref in refs:
            cell = carried.get((ref.code, ref.period))
            at = f"{where}:{ref.line}"
            if cell is None:
                found.append(Finding(release.id, "error", "interpretation", at,
                                     f"{ref.code}@{ref.period} is not a figure of this release"))
            elif cell.value is None or "c" in cell.status:
                found.append(Finding(release.id, "error", "interpretation", at,
                                     f"{ref.code}@{ref.period} is withheld (confidential); the text must "
                                     "not cite it"))
        if not any(f.severity == "error" and f.where.startswith(where) for f in found):
            found += _renders(release, text, lang, where, carried, series)
        found += hand_typed(release, text, lang, where, carried, series)
    return found


def _renders(release: ReleaseInfo, text: str, lang: str, where: str,
             carried: dict[tuple[str, str], Carried], series: dict[str, SeriesInfo]) -> list[Finding]:
    def lookup(code: str, period: str) -> Figure | None:
        cell, info = carried.get((code, period)), series.get(code)
        if cell is None or info is None:
            return None
        return Figure(cell.value, info.decimals, info.unit_zh, info.unit_en)

    try:
        render(text, lookup, lang)
    except FigureMissing as exc:
        return [Finding(release.id, "error", "interpretation", where, f"does not render: {exc}")]
    return []


def hand_typed(release: ReleaseInfo, text: str, lang: str, where: str,
               carried: dict[tuple[str, str], Carried], series: dict[str, SeriesInfo]) -> list[Finding]:
    """Warn on bare numbers equal to one of the release's figures at its published decimals."""
    figures: dict[str, str] = {}
    for (code, period), cell in sorted(carried.items()):
        info = series.get(code)
        if cell.value is None or info is None:
            continue
        shown = f"{abs(cell.value):.{info.decimals}f}"
        if _meaningful(shown):
            figures.setdefault(shown, f"{code}@{period}")
    found = []
    for number, line in _bare_numbers(text):
        tag = figures.get(number)
        if tag:
            found.append(Finding(release.id, "warning", "interpretation", f"{where}:{line}",
                                 f"the number {number} looks typed by hand: it equals {tag}; write "
                                 f"{{{{{tag}}}}} so text and tables cannot disagree"))
    return found


def _meaningful(shown: str) -> bool:
    """Small integers and years match too much ordinary prose to be worth a warning."""
    if "." in shown:
        return True
    value = int(shown)
    return value >= 100 and not 1900 <= value <= 2100


def _bare_numbers(text: str) -> list[tuple[str, int]]:
    found = []
    for number, line in ((m.group(0), i) for i, raw in enumerate(text.splitlines(), start=1)
                         for m in _NUMBER.finditer(_CODE.sub(" ", _LINK_TARGET.sub(" ", _TAG.sub(" ", raw))))):
        plain = number.lstrip("+-").replace(",", "")
        if _meaningful(plain):
            found.append((plain, line))
    return found
