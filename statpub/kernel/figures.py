"""Figures inside interpretation texts are never typed by hand.

A text writes `{{GDP@2024-Q3}}` and the figure is rendered from the warehouse through the gate,
with the series' unit and decimals. Forms:

- `{{CODE@PERIOD}}`          value and unit, e.g. 34,567.12亿元 / 34,567.12 (100 million yuan)
                             (joined by `numbers.with_unit`: 214.469（1982—1984年=100）in Chinese)
- `{{CODE@PERIOD|value}}`    the number alone
- `{{CODE@PERIOD|abs}}`      the magnitude with its unit (for 下降/decreased phrasing)
- `{{CODE@PERIOD|absvalue}}` the magnitude alone

Anything else between `{{` and `}}` is an error, so a typo cannot become a blank on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from statpub.kernel.lang import in_lang
from statpub.kernel.numbers import format_number, with_unit

FORMATS = ("full", "value", "abs", "absvalue")
_ANY_TAG = re.compile(r"\{\{(.*?)\}\}", re.S)
_TAG = re.compile(
    r"^\s*(?P<code>[A-Z][A-Z0-9_]{1,47})\s*@\s*(?P<period>\d{4}(?:-Q[1-4]|-\d{2})?)"
    r"\s*(?:\|\s*(?P<fmt>[a-z]+)\s*)?$"
)


@dataclass(frozen=True)
class FigureRef:
    code: str
    period: str
    fmt: str
    line: int
    column: int
    start: int
    end: int


class TagError(ValueError):
    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.line = line
        self.column = column


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def find_references(text: str) -> tuple[list[FigureRef], list[TagError]]:
    refs, errors = [], []
    for match in _ANY_TAG.finditer(text):
        line, column = _position(text, match.start())
        tag = _TAG.match(match.group(1))
        if not tag:
            errors.append(TagError(f"malformed figure tag {match.group(0)!r}; expected "
                                   "{{CODE@PERIOD}} or {{CODE@PERIOD|value}}", line, column))
            continue
        fmt = tag.group("fmt") or "full"
        if fmt not in FORMATS:
            errors.append(TagError(f"unknown format {fmt!r} in {match.group(0)!r}; "
                                   f"expected one of {', '.join(FORMATS)}", line, column))
            continue
        refs.append(FigureRef(tag.group("code"), tag.group("period"), fmt, line, column,
                              match.start(), match.end()))
    return refs, errors


@dataclass(frozen=True)
class Figure:
    value: float | None
    decimals: int
    unit_zh: str
    unit_en: str


class FigureMissing(LookupError):
    pass


def format_figure(figure: Figure, fmt: str, lang: str) -> str:
    value = figure.value
    if value is not None and fmt.startswith("abs"):
        value = abs(value)
    number = format_number(value, figure.decimals, lang)
    if fmt in ("value", "absvalue"):
        return number
    return with_unit(number, in_lang(lang, figure.unit_zh, figure.unit_en), lang)


def render(text: str, lookup: Callable[[str, str], Figure | None], lang: str) -> str:
    """Replace every tag by its figure; a tag that cannot be resolved raises FigureMissing."""
    refs, errors = find_references(text)
    if errors:
        raise FigureMissing(str(errors[0]))
    out, last = [], 0
    for ref in refs:
        figure = lookup(ref.code, ref.period)
        if figure is None:
            raise FigureMissing(f"{ref.code}@{ref.period} (line {ref.line}) is not available")
        out.append(text[last:ref.start])
        out.append(format_figure(figure, ref.fmt, lang))
        last = ref.end
    out.append(text[last:])
    return "".join(out)
