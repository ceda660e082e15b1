"""Reference periods: parsing what offices write, canonical codes, bilingual labels.

Canonical codes: `2024` (annual), `2024-Q3` (quarter), `2024-07` (month). A cumulative value for
2024-Q3 covers January–September (1—3季度); its period is the last quarter it covers.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache

from statpub.kernel.numbers import to_halfwidth

FREQUENCIES = ("A", "Q", "M")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
              "十": 10, "十一": 11, "十二": 12}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DASH = r"[—–\-~～至－]+"


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    freq: str  # "A", "Q" or "M"
    sub: int = 0  # quarter 1-4 or month 1-12; 0 for annual

    @property
    def code(self) -> str:
        if self.freq == "A":
            return f"{self.year}"
        if self.freq == "Q":
            return f"{self.year}-Q{self.sub}"
        return f"{self.year}-{self.sub:02d}"

    def __str__(self) -> str:
        return self.code

    @property
    def per_year(self) -> int:
        return {"A": 1, "Q": 4, "M": 12}[self.freq]

    def shift(self, steps: int) -> Period:
        """The period `steps` periods later (negative: earlier) at the same frequency."""
        if self.freq == "A":
            return Period(self.year + steps, "A")
        index = self.year * self.per_year + (self.sub - 1) + steps
        return Period(index // self.per_year, self.freq, index % self.per_year + 1)

    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.freq, self.sub)

    @property
    def first_of_year(self) -> bool:
        return self.freq == "A" or self.sub == 1

    def label(self, lang: str = "zh", *, cumulative: bool = False) -> str:
        if self.freq == "A":
            return f"{self.year}年" if lang == "zh" else f"{self.year}"
        if self.freq == "Q":
            if lang == "zh":
                if cumulative and self.sub > 1:
                    return f"{self.year}年1—{self.sub}季度"
                return f"{self.year}年{'一二三四'[self.sub - 1]}季度"
            if cumulative and self.sub > 1:
                return f"Q1–Q{self.sub} {self.year}"
            return f"Q{self.sub} {self.year}"
        if lang == "zh":
            if cumulative and self.sub > 1:
                return f"{self.year}年1—{self.sub}月"
            return f"{self.year}年{self.sub}月"
        if cumulative and self.sub > 1:
            return f"Jan–{_MONTHS_EN[self.sub - 1]} {self.year}"
        return f"{_MONTHS_EN[self.sub - 1]} {self.year}"


def _number(token: str) -> int:
    token = token.strip()
    if token.isdigit():
        return int(token)
    if token in _CN_DIGITS:
        return _CN_DIGITS[token]
    raise PeriodError(f"not a number: {token!r}")


_N = r"(\d{1,2}|十[一二]?|[一二三四五六七八九])"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?P<y>\d{4})$"), "A"),
    (re.compile(r"^(?P<y>\d{4})年(全年)?$"), "A"),
    (re.compile(r"^(?P<y>\d{4})?年?全年$"), "A"),
    (re.compile(r"^(?P<y>\d{4})[-\s]?Q(?P<q>[1-4])$", re.I), "Q"),
    (re.compile(r"^(?P<y>\d{4})?年?第?(?P<q>" + _N + r")季度$"), "Q"),
    (re.compile(r"^(?P<y>\d{4})?年?1" + _DASH + r"(?P<q>[1-4一二三四])季度$"), "Q"),
    (re.compile(r"^(?P<y>\d{4})?年?(?P<q>上)半年$"), "Q"),
    (re.compile(r"^(?P<y>\d{4})[-./]?M?(?P<m>\d{1,2})$"), "M"),
    (re.compile(r"^(?P<y>\d{4})?年?(?P<m>" + _N + r")月(份)?$"), "M"),
    (re.compile(r"^(?P<y>\d{4})?年?1" + _DASH + r"(?P<m>" + _N + r")月$"), "M"),
]


@lru_cache(maxsize=4096)
def parse_period(text: str, year: int | None = None) -> Period:
    """Parse a period as offices write it. `year` fills in headers such as `1—3季度`."""
    raw = to_halfwidth(str(text)).strip().replace(" ", "") if text is not None else ""
    if not raw:
        raise PeriodError("empty period")
    for pattern, freq in _PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        groups = match.groupdict()
        y = int(groups["y"]) if groups.get("y") else year
        if y is None:
            raise PeriodError(f"{text!r} names no year (declare `year` in the mapping)")
        if not 1900 <= y <= 2200:
            raise PeriodError(f"{text!r}: year {y} out of range")
        if freq == "A":
            return Period(y, "A")
        if freq == "Q":
            q = 2 if groups["q"] == "上" else _number(groups["q"])
            if not 1 <= q <= 4:
                raise PeriodError(f"{text!r}: quarter {q} out of range")
            return Period(y, "Q", q)
        m = _number(groups["m"])
        if not 1 <= m <= 12:
            raise PeriodError(f"{text!r}: month {m} out of range")
        return Period(y, "M", m)
    raise PeriodError(f"{text!r} is not a period (expected e.g. 2024, 2024-Q3, 2024-07, 1—3季度)")


def period_from_code(code: str) -> Period:
    """Parse a canonical code (as stored in the warehouse)."""
    return parse_period(code)


def period_bounds(code: str) -> tuple[str, str]:
    """First and last day of a period, as ISO dates (xsd:date text)."""
    period = period_from_code(code)
    first_month = {"A": 1, "Q": period.sub * 3 - 2, "M": period.sub}[period.freq]
    last_month = {"A": 12, "Q": period.sub * 3, "M": period.sub}[period.freq]
    last_day = calendar.monthrange(period.year, last_month)[1]
    return f"{period.year}-{first_month:02d}-01", f"{period.year}-{last_month:02d}-{last_day:02d}"
