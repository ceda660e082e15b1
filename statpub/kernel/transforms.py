"""Transforms of one series, with FRED's names where they mean the same.

- `lin`    the published values
- `single` single-period values from a cumulative (year-to-date) flow: 1—3季度 minus 1—2季度
- `chg`    change from the previous period            `ch1` change from a year earlier
- `pch`    % change from the previous period          `pc1` % change from a year earlier

For cumulative flows, period-on-period transforms (`chg`, `pch`) work on single-period values,
year-on-year ones (`ch1`, `pc1`) on the year-to-date values (as offices compute 累计增长). Growth
rates and indexes accept only `lin`, `chg` and `ch1` (in percentage points / index points).
Every value computed here is derived, not published: results say so in `derived`; published rates
(e.g. real GDP growth) are series of their own and are never recomputed from levels.
"""

from __future__ import annotations

from dataclasses import dataclass

from statpub.kernel.periods import Period, period_from_code

TRANSFORMS = ("lin", "single", "chg", "ch1", "pch", "pc1")
LABELS = {
    "lin": {"zh": "水平值", "en": "Level"},
    "single": {"zh": "当期值（由累计值推算）", "en": "Single period (derived from cumulative)"},
    "chg": {"zh": "比上期增减", "en": "Change from previous period"},
    "ch1": {"zh": "比上年同期增减", "en": "Change from a year earlier"},
    "pch": {"zh": "比上期增长（%，推算）", "en": "% change from previous period (derived)"},
    "pc1": {"zh": "比上年同期增长（%，推算）", "en": "% change from a year earlier (derived)"},
}


class TransformError(ValueError):
    pass


@dataclass(frozen=True)
class Point:
    period: str
    value: float | None
    status: str = ""
    derived: bool = False


def allowed(measure: str, cumulative: bool) -> tuple[str, ...]:
    if measure in ("rate", "index"):
        return ("lin", "chg", "ch1")
    return TRANSFORMS if cumulative and measure == "flow" else tuple(t for t in TRANSFORMS if t != "single")


def compared(measure: str, cumulative: bool) -> str:
    """What a reader compares from one period to the next: single-period values for a cumulative
    flow (its 1—N values climb through each year and fall back in January: a sawtooth that says
    nothing), the published values otherwise (levels, stocks, rates, indices)."""
    return "single" if cumulative and measure == "flow" else "lin"


def _flags(*statuses: str) -> str:
    letters = set("".join(statuses))
    return "".join(f for f in "prebc" if f in letters)


def single_period(points: list[Point]) -> list[Point]:
    """Year-to-date values → single-period values (the first period of a year is itself)."""
    by_period = {period_from_code(p.period): p for p in points}
    out = []
    for period, point in sorted(by_period.items()):
        if period.first_of_year:
            out.append(Point(point.period, point.value, point.status, derived=False))
            continue
        prev = by_period.get(period.shift(-1))
        value = None
        if prev is not None and prev.value is not None and point.value is not None:
            value = point.value - prev.value
        out.append(Point(point.period, value, _flags(point.status, prev.status if prev else ""), derived=True))
    return out


def apply(points: list[Point], transform: str, *, measure: str, cumulative: bool) -> list[Point]:
    if transform not in TRANSFORMS:
        raise TransformError(f"unknown transform {transform!r}; expected one of {', '.join(TRANSFORMS)}")
    if transform not in allowed(measure, cumulative):
        raise TransformError(f"transform {transform!r} does not apply to a {'cumulative ' if cumulative else ''}"
                             f"{measure} series")
    points = sorted(points, key=lambda p: period_from_code(p.period))
    if transform == "lin":
        return points
    flow_cumulative = cumulative and measure == "flow"
    if transform == "single":
        return single_period(points)
    base = single_period(points) if flow_cumulative and transform in ("chg", "pch") else points
    index = {period_from_code(p.period): p for p in base}
    out = []
    for period, point in index.items():
        lag: Period = period.shift(-1) if transform in ("chg", "pch") else period.shift(-period.per_year)
        prev = index.get(lag)
        value = None
        if prev is not None and prev.value is not None and point.value is not None:
            if transform in ("chg", "ch1"):
                value = point.value - prev.value
            elif prev.value != 0:
                value = (point.value / prev.value - 1) * 100
        out.append(Point(point.period, value, _flags(point.status, prev.status if prev else ""), derived=True))
    return out


SHARE = "share"
LABELS[SHARE] = {"zh": "占合计比重（%，推算）", "en": "Share of total (%, derived)"}


def share_of_total(points: list[Point], totals: list[Point]) -> list[Point]:
    """A component as a percentage of its total for the same period (e.g. primary industry in
    GDP). Periods without a usable total give no value; the result is derived."""
    total_by_period = {t.period: t for t in totals}
    out = []
    for point in sorted(points, key=lambda p: period_from_code(p.period)):
        total = total_by_period.get(point.period)
        value = None
        if total is not None and total.value and point.value is not None:
            value = point.value / total.value * 100
        out.append(Point(point.period, value, _flags(point.status, total.status if total else ""), derived=True))
    return out
