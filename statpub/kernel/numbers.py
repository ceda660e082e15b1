"""Numbers as offices write them: full-width digits, thousands separators, footnote marks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９．，－＋％（）："}
_FULLWIDTH.update({0x3000: 0x20, 0x2212: ord("-"), 0xFF5E: ord("~")})
# Footnote marks that tables put beside a figure or a label; they move into the note.
FOOTNOTE_MARKS = "*＊†‡#①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳¹²³⁴⁵⁶⁷⁸⁹"
_MARKS_RE = re.compile(f"[{re.escape(FOOTNOTE_MARKS)}]+")
# What tables print in a cell that has no figure: not available, not applicable, suppressed.
PLACEHOLDERS = {"", "-", "--", "—", "——", "…", "……", "...", "x", "X", "n.a.", "NA", "/"}
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def to_halfwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


@dataclass(frozen=True)
class ParsedNumber:
    value: float | None
    marks: str = ""  # footnote marks found beside the number, in order
    placeholder: bool = False  # the cell holds a "no figure" sign such as … or —


def split_marks(text: str) -> tuple[str, str]:
    """Return (text without footnote marks, the marks)."""
    marks = "".join(_MARKS_RE.findall(text))
    return _MARKS_RE.sub("", text).strip(), marks


@lru_cache(maxsize=65536)
def parse_number(text: str | float | int | None) -> ParsedNumber:
    """Parse one cell. Raises ValueError with a readable reason when it is not a number."""
    if text is None:
        return ParsedNumber(None, placeholder=True)
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a number")
    if isinstance(text, int | float):
        if text != text or text in (float("inf"), float("-inf")):
            raise ValueError(f"{text!r} is not a finite number")
        return ParsedNumber(float(text))
    cleaned = to_halfwidth(text).strip()
    cleaned, marks = split_marks(cleaned)
    if cleaned in PLACEHOLDERS:
        return ParsedNumber(None, marks, placeholder=True)
    body = cleaned.replace(",", "").replace(" ", "").replace("\u00a0", "")
    if body.endswith("%"):
        body = body[:-1]
    if body.startswith("(") and body.endswith(")"):
        body = "-" + body[1:-1]
    if not _NUMBER_RE.match(body):
        raise ValueError(f"{text!r} is not a number")
    return ParsedNumber(float(body), marks)


def format_number(value: float | None, decimals: int, lang: str = "zh") -> str:
    """Format as the site shows figures: thousands separators, the series' decimals."""
    if value is None:
        return "…"
    return f"{value:,.{decimals}f}"


# Signs written against the number in both languages (5.1%, 2.3‰).
GLUED_SIGNS = ("%", "‰", "‱", "％")
RANGE_DASH = {"zh": "—", "en": "–"}


def _bracketed(unit: str) -> bool:
    """Units set in parentheses after the number: an index base (上年=100, 1982—1984年=100) or
    any unit that starts with a digit (100 million yuan), which would read as part of the number."""
    return unit[:1].isdigit() or "=" in unit or "＝" in unit


def with_unit(number: str, unit: str | None, lang: str) -> str:
    """A formatted number and its unit, joined by the rules of the language:

    zh: 1,234.56亿元 · 5.1% · 2.3‰ · 214.469（1982—1984年=100）· 102.1（上年=100）· 35 kg
    en: 1,234.56 yuan · 5.1% · 2.3‰ · 214.469 (1982–1984=100) · 34,567.12 (100 million yuan)
    """
    return number if number == "…" else number + unit_suffix(unit, lang)


def unit_suffix(unit: str | None, lang: str) -> str:
    """What follows a number to give its unit (for layouts that set the unit apart)."""
    unit = (unit or "").strip()
    if not unit:
        return ""
    if unit in GLUED_SIGNS:
        return unit
    if _bracketed(unit):
        return f"（{unit}）" if lang == "zh" else f" ({unit})"
    if lang == "zh" and not unit[:1].isascii():
        return unit
    return f" {unit}"


def range_with_unit(low: str, high: str, unit: str | None, lang: str) -> str:
    """A range of two figures: a percent or per mille sign on both ends (5.0%—6.0%, as GB/T 15835
    asks in Chinese), any other unit once after the range (150—200亿元, 100.0—102.0（上年=100）)."""
    dash = RANGE_DASH.get(lang, "–")
    unit = (unit or "").strip()
    if unit in GLUED_SIGNS:
        return f"{low}{unit}{dash}{high}{unit}"
    return with_unit(f"{low}{dash}{high}", unit, lang)
