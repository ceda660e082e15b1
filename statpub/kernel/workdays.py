"""Working days of the mainland calendar: the one engine every legal deadline uses (replies to
messages, disclosure applications, the proactive-disclosure register).

A working day is a Monday to Friday that is not a statutory holiday, or a Saturday or Sunday the
State Council's notice makes a working day (调休). The office keeps those notices as content,
`<root>/workdays.yaml` (validated like the calendar, reviewed like other content, checked against
the `chinesecalendar` package for the years it knows). A year the file does not hold has not been
announced yet: its weekdays count as working days and every deadline reaching into it is
*provisional*, to be recomputed once the notice is entered.

Counting follows the regulations' usage: "N working days from receipt" ends on the N-th working
day after the day of receipt (the day itself is not counted).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from statpub.kernel.content import Bilingual, Strict
from statpub.kernel.errors import Problem, UserError, ValidationFailed
from statpub.kernel.fielddoc import doc
from statpub.kernel.yamlfile import load_model

FILE_NAME = "workdays.yaml"
SATURDAY = 5
BASE_YEAR = 1990  # where day ordinals start (differences are all that matter)
MAX_SPAN = 3660  # working days one question may count (ten years): anything beyond is a typo

# The statutory holidays by their name in chinesecalendar (national names, not an office's words).
HOLIDAY_NAMES = {
    "New Year's Day": ("元旦", "New Year's Day"),
    "Spring Festival": ("春节", "Spring Festival"),
    "Tomb-sweeping Day": ("清明节", "Tomb-sweeping Day"),
    "Labour Day": ("劳动节", "Labour Day"),
    "Dragon Boat Festival": ("端午节", "Dragon Boat Festival"),
    "National Day": ("国庆节", "National Day"),
    "Mid-autumn Festival": ("中秋节", "Mid-autumn Festival"),
    "Anti-Fascist 70th Day": ("中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日", "Victory Day (70th anniversary)"),
}


class HolidaySpan(Strict):
    """One statutory holiday: its name and its days off, first to last."""

    name: Bilingual = Field(**doc("节日名称", "Name of the holiday", {"zh": "春节", "en": "Spring Festival"}))
    start: date = Field(alias="from", **doc("放假第一天", "First day off", "2026-02-15"))
    end: date = Field(alias="to", **doc("放假最后一天", "Last day off", "2026-02-23"))

    @model_validator(mode="after")
    def _ordered(self) -> HolidaySpan:
        if self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        if (self.end - self.start).days > 14:
            raise ValueError("a holiday longer than 15 days: check the dates")
        return self

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


class YearRules(Strict):
    """One year's holidays and adjusted working days, as the State Council announced them."""

    year: int = Field(ge=1990, le=2200, **doc("年份", "Year", 2026))
    notice: Bilingual = Field(**doc(  # the notice announcing the year (国务院办公厅关于…部分节假日安排的通知)
        "公布该年安排的通知", "The notice announcing the year's arrangements",
        {"zh": "国务院办公厅关于2026年部分节假日安排的通知", "en": "Notice on holidays in 2026"}))
    holidays: tuple[HolidaySpan, ...] = Field(**doc("法定节假日", "Statutory holidays", []))
    workdays: tuple[date, ...] = Field(default=(), **doc(  # Saturdays and Sundays made working days (调休)
        "调休上班的周六、周日", "Saturdays and Sundays made working days (调休)", ["2026-02-14"]))

    @field_validator("workdays")
    @classmethod
    def _weekend_only(cls, value: tuple[date, ...]) -> tuple[date, ...]:
        for day in value:
            if day.weekday() < SATURDAY:
                raise ValueError(f"{day} is a weekday: only a Saturday or Sunday can be an adjusted working day")
        return value

    @model_validator(mode="after")
    def _within_year(self) -> YearRules:
        off = {d for span in self.holidays for d in span.days()}
        for day in (*off, *self.workdays):
            if day.year != self.year:
                raise ValueError(f"{day} is not in {self.year}")
        both = sorted(off & set(self.workdays))
        if both:
            raise ValueError(f"{both[0]} is both a holiday and an adjusted working day")
        return self


class WorkdayRules(Strict):
    """Statutory holidays and adjusted working days (`workdays.yaml`), year by year."""

    years: tuple[YearRules, ...] = Field(default=(), **doc("各年的安排", "The years announced", []))

    @model_validator(mode="after")
    def _unique(self) -> WorkdayRules:
        seen = [y.year for y in self.years]
        twice = sorted({y for y in seen if seen.count(y) > 1})
        if twice:
            raise ValueError(f"year {twice[0]} is listed twice")
        return self


@dataclass(frozen=True)
class Deadline:
    day: date
    provisional: bool  # reaches into a year whose holidays are not announced yet

    def to_dict(self) -> dict:
        return {"date": self.day.isoformat(), "provisional": self.provisional}


class WorkCalendar:
    """Which days are working days, from the office's rules (none: every year unannounced)."""

    def __init__(self, rules: WorkdayRules | None = None, source: str = ""):
        self.rules = rules or WorkdayRules()
        self.source = source
        self._prefix: dict[int, list[int]] = {}
        self._year_start: dict[int, int] = {}

    @cached_property
    def _off(self) -> frozenset[date]:
        return frozenset(d for y in self.rules.years for span in y.holidays for d in span.days())

    @cached_property
    def _on(self) -> frozenset[date]:
        return frozenset(d for y in self.rules.years for d in y.workdays)

    @cached_property
    def announced_years(self) -> frozenset[int]:
        return frozenset(y.year for y in self.rules.years)

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever the rules do (stored deadlines are recomputed then)."""
        import hashlib

        return hashlib.sha256(self.rules.model_dump_json().encode()).hexdigest()[:16]

    def announced(self, year: int) -> bool:
        return year in self.announced_years

    def is_workday(self, day: date) -> bool:
        if day in self._on:
            return True
        if day in self._off:
            return False
        return day.weekday() < SATURDAY

    def holiday_name(self, day: date) -> Bilingual | None:
        for year in self.rules.years:
            for span in year.holidays:
                if span.start <= day <= span.end:
                    return span.name
        return None

    def add(self, start: date, n: int) -> Deadline:
        """The N-th working day after `start` (`start` itself is not counted; N = 0 is `start`)."""
        if n < 0 or n > MAX_SPAN:
            raise UserError(f"working days: {n} is out of range (0–{MAX_SPAN})")
        day, left, provisional = start, n, False
        while left:
            day += timedelta(days=1)
            provisional = provisional or not self.announced(day.year)
            if self.is_workday(day):
                left -= 1
        return Deadline(day, provisional)

    def count(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when `end` <= `start`).
        Constant time: statistics count this for every message of a year."""
        if end <= start:
            return 0
        if (end - start).days > MAX_SPAN * 2:
            raise UserError(f"working days between {start} and {end}: too far apart")
        return self._ordinal(end) - self._ordinal(start)

    def _ordinal(self, day: date) -> int:
        """Working days from 1 January BASE_YEAR up to and including `day` (per-year prefix sums)."""
        prefix = self._prefix.get(day.year)
        if prefix is None:
            first = date(day.year, 1, 1)
            days = (date(day.year + 1, 1, 1) - first).days
            running, prefix = 0, []
            for i in range(days):
                running += self.is_workday(first + timedelta(days=i))
                prefix.append(running)
            self._prefix[day.year] = prefix
        before = self._year_start.get(day.year)
        if before is None:
            before = (sum(self._year_total(y) for y in range(BASE_YEAR, day.year)) if day.year >= BASE_YEAR
                      else -sum(self._year_total(y) for y in range(day.year, BASE_YEAR)))
            self._year_start[day.year] = before
        return before + prefix[day.timetuple().tm_yday - 1]

    def _year_total(self, year: int) -> int:
        if year in self._prefix:
            return self._prefix[year][-1]
        if not self.announced(year):  # weekdays only: no need to walk the days one by one
            import numpy

            return int(numpy.busday_count(date(year, 1, 1), date(year + 1, 1, 1)))
        self._ordinal(date(year, 1, 1))
        return self._prefix[year][-1]

    def first_workday_from(self, day: date) -> date:
        """`day` if it is a working day, else the next one."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day


def rules_path(root: Path) -> Path:
    return Path(root) / FILE_NAME


def load_rules(root: Path) -> WorkdayRules:
    """The office's rules (validated; every error names file, line and field). No file: none."""
    path = rules_path(root)
    if not path.is_file():
        return WorkdayRules()
    return load_model(path, WorkdayRules, display_name=FILE_NAME)


@lru_cache(maxsize=16)
def _cached(path: str, mtime_ns: int) -> WorkCalendar:
    return WorkCalendar(load_rules(Path(path).parent), source=path)


def work_calendar(root: Path) -> WorkCalendar:
    """The working-day calendar of a content root, read again only when its file changes."""
    path = rules_path(root)
    try:
        mtime = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return WorkCalendar(source="")
    return _cached(str(path), mtime)


# -- the cross-check against chinesecalendar ----------------------------------------------------
def library_year(year: int) -> tuple[set[date], set[date]] | None:
    """(holidays, adjusted working days) chinesecalendar knows for `year`, or None."""
    import chinese_calendar

    off = {d for d in chinese_calendar.holidays if d.year == year}
    on = {d for d in chinese_calendar.workdays if d.year == year and d.weekday() >= SATURDAY}
    return (off, on) if off else None


def cross_check(rules: WorkdayRules) -> list[Problem]:
    """Where the office's rules and chinesecalendar disagree, for the years the library knows."""
    import chinese_calendar

    problems = []
    known = sorted({d.year for d in chinese_calendar.holidays})
    listed = {y.year for y in rules.years}
    for year in rules.years:
        found = library_year(year.year)
        if found is None:
            continue
        off = {d for span in year.holidays for d in span.days()}
        for label, ours, theirs in (("holidays", off, found[0]), ("workdays", set(year.workdays), found[1])):
            for day in sorted(ours - theirs):
                problems.append(Problem(FILE_NAME, None, None, f"years[{year.year}].{label}",
                                        f"{day} is not in chinesecalendar's {label} for {year.year}"))
            for day in sorted(theirs - ours):
                problems.append(Problem(FILE_NAME, None, None, f"years[{year.year}].{label}",
                                        f"{day} is in chinesecalendar's {label} for {year.year} but not here"))
    newest = max(listed, default=0)
    for year in known:
        if year > newest:
            problems.append(Problem(FILE_NAME, None, None, "years",
                                    f"chinesecalendar knows {year}, this file does not: enter its notice "
                                    f"(`statpub workdays draft {year}` prints a draft)"))
    return problems


def check_root(root: Path) -> list[Problem]:
    """Everything wrong with a content root's working-day rules (validation, then the cross-check)."""
    try:
        rules = load_rules(root)
    except ValidationFailed as exc:
        return list(exc.problems)
    return cross_check(rules)


def draft_year(year: int) -> dict:
    """A year's entry drafted from chinesecalendar, for the office to check against the notice."""
    import chinese_calendar

    found = library_year(year)
    if found is None:
        raise UserError(f"chinesecalendar does not know {year}: enter the State Council's notice by hand")
    spans: list[dict] = []
    for day in sorted(found[0]):
        name = chinese_calendar.get_holiday_detail(day)[1] or "holiday"
        zh, en = HOLIDAY_NAMES.get(name, (name, name))
        if spans and spans[-1]["name"]["en"] == en and date.fromisoformat(spans[-1]["to"]) + timedelta(days=1) == day:
            spans[-1]["to"] = day.isoformat()
        else:
            spans.append({"name": {"zh": zh, "en": en}, "from": day.isoformat(), "to": day.isoformat()})
    return {"year": year,
            "notice": {"zh": f"国务院办公厅关于{year}年部分节假日安排的通知",
                       "en": f"Notice of the General Office of the State Council on holidays in {year}"},
            "holidays": spans, "workdays": [d.isoformat() for d in sorted(found[1])]}
