"""What the indicator explorer shows, as plain data: parsed from the URL or from callback inputs,
computed through the gate, independent of Dash. The page, its callback and the download route
all call `compute_view`, so the file a reader downloads holds exactly the numbers on screen."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pyarrow as pa

from statpub.kernel import transforms
from statpub.kernel.errors import UserError
from statpub.kernel.periods import Period, PeriodError, period_from_code
from statpub.kernel.transforms import SHARE, Point, TransformError
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import SeriesInfo

CHOICES = ("lin", "single", "pc1", "pch", "chg", "ch1", SHARE)
CHARTS = ("line", "bar")
MAX_SERIES = 12
MAX_LAST_N = 1000
LAST_N_CHOICES = (4, 8, 12, 20, 40)
DEFAULT_SERIES = ("GDP",)
_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,47}$")
_PERIOD = re.compile(r"^\d{4}(-Q[1-4]|-\d{2})?$")
_VINTAGE = re.compile(r"^\d{8}T\d{6}Z$")


class BadChoice(UserError):
    """A choice that no control of the page can produce (a hand-made request): 400, not 500."""


@dataclass(frozen=True)
class ExplorerState:
    series: tuple[str, ...] = DEFAULT_SERIES
    transform: str = "lin"
    start: str | None = None
    end: str | None = None
    chart: str = "line"
    topic: str | None = None
    last_n: int | None = None  # only the latest N periods: a saved link keeps up with new releases

    def query(self) -> dict[str, object]:
        """The URL query that reproduces this view (defaults left out)."""
        out: dict[str, object] = {"series": ",".join(self.series)}
        if self.transform != "lin":
            out["transform"] = self.transform
        if self.start:
            out["start"] = self.start
        if self.end:
            out["end"] = self.end
        if self.chart != "line":
            out["chart"] = self.chart
        if self.topic:
            out["topic"] = self.topic
        if self.last_n:
            out["last_n"] = self.last_n
        return out


def _as_codes(value: object, *, strict: bool) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items: list = value.split(",")
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise BadChoice("series must be a list of codes")
    codes = []
    for item in items:
        if isinstance(item, str) and _CODE.match(item.strip()):
            codes.append(item.strip())
        elif strict:
            raise BadChoice(f"not a series code: {str(item)[:60]!r}")
    if len(codes) > MAX_SERIES:
        if strict:
            raise BadChoice(f"at most {MAX_SERIES} series at once")
        codes = codes[:MAX_SERIES]
    return tuple(dict.fromkeys(codes))


def _choice(value: object, allowed: tuple[str, ...], default: str, what: str, *, strict: bool) -> str:
    if value is None or value == "":
        return default
    if isinstance(value, str) and value in allowed:
        return value
    if strict:
        raise BadChoice(f"{what} must be one of {', '.join(allowed)}")
    return default


def _period(value: object, what: str, *, strict: bool) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and _PERIOD.match(value):
        try:
            return period_from_code(value).code
        except PeriodError:
            pass
    if strict:
        raise BadChoice(f"{what} must be a period such as 2024, 2024-Q3 or 2024-07")
    return None


def _topic(value: object, *, strict: bool) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and re.match(r"^[a-z0-9-]{1,60}$", value):
        return value
    if strict:
        raise BadChoice("not a topic code")
    return None


def _last_n(value: object, *, strict: bool) -> int | None:
    if value is None or value == "":
        return None
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if re.fullmatch(r"\d{1,4}", text) and 1 <= int(text) <= MAX_LAST_N:
        return int(text)
    if strict:
        raise BadChoice(f"last_n must be a whole number from 1 to {MAX_LAST_N}")
    return None


def state_from_query(query: Mapping[str, object]) -> ExplorerState:
    """From a URL: anything malformed falls back to the default, so an old link still opens."""
    codes = _as_codes(query.get("series"), strict=False)
    return ExplorerState(
        series=codes or DEFAULT_SERIES,
        transform=_choice(query.get("transform"), CHOICES, "lin", "transform", strict=False),
        start=_period(query.get("start"), "start", strict=False),
        end=_period(query.get("end"), "end", strict=False),
        chart=_choice(query.get("chart"), CHARTS, "line", "chart", strict=False),
        topic=_topic(query.get("topic"), strict=False),
        last_n=_last_n(query.get("last_n"), strict=False),
    )


def state_from_inputs(series: object, transform: object, start: object, end: object, chart: object,
                      topic: object = None, last_n: object = None) -> ExplorerState:
    """From callback inputs: a value no control can produce is a bad request."""
    return ExplorerState(
        series=_as_codes(series, strict=True),
        transform=_choice(transform, CHOICES, "lin", "transform", strict=True),
        start=_period(start, "start", strict=True),
        end=_period(end, "end", strict=True),
        chart=_choice(chart, CHARTS, "line", "chart", strict=True),
        topic=_topic(topic, strict=True),
        last_n=_last_n(last_n, strict=True),
    )


def parse_vintage(text: object) -> datetime:
    if not isinstance(text, str) or not _VINTAGE.match(text):
        raise BadChoice("vintage must look like 20241021T020000Z")
    return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def vintage_code(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# -- computing the view ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ViewPoint:
    period: str
    value: float | None
    status: str
    note: str
    release_id: str
    vintage: datetime
    derived: bool


@dataclass(frozen=True)
class SeriesView:
    info: SeriesInfo  # name, unit and decimals as shown (a derived unit for % transforms)
    points: tuple[ViewPoint, ...]


@dataclass(frozen=True)
class ExplorerView:
    state: ExplorerState
    series: tuple[SeriesView, ...]
    not_applicable: tuple[SeriesInfo, ...]
    unknown: tuple[str, ...]
    periods: tuple[str, ...]  # shown, in order
    available: tuple[str, ...] = field(default=())  # every period of the chosen series, for the range
    vintage: datetime | None = None  # the newest release behind these figures

    @property
    def empty(self) -> bool:
        return not any(p.value is not None for s in self.series for p in s.points)


def _end_month(code: str) -> tuple[int, int]:
    p = period_from_code(code)
    return (p.year, {"A": 12, "Q": p.sub * 3, "M": p.sub}[p.freq])


def _start_month(code: str) -> tuple[int, int]:
    p = period_from_code(code)
    return (p.year, {"A": 1, "Q": p.sub * 3 - 2, "M": p.sub}[p.freq])


def in_range(code: str, start: str | None, end: str | None) -> bool:
    """A period is in range when it ends within [start's first month, end's last month]."""
    key = _end_month(code)
    return (start is None or key >= _start_month(start)) and (end is None or key <= _end_month(end))


def _sort_key(code: str) -> tuple[tuple[int, int], int]:
    period: Period = period_from_code(code)
    return _end_month(code), {"M": 0, "Q": 1, "A": 2}[period.freq]


def shown_info(info: SeriesInfo, transform: str) -> SeriesInfo:
    """The series as the transform shows it: the name says what was computed, the unit follows."""
    if transform == "lin":
        return info
    label_zh = transforms.LABELS[transform]["zh"]
    label_en = transforms.LABELS[transform]["en"]
    unit_zh, unit_en, decimals = info.unit_zh, info.unit_en, info.decimals
    if transform in ("pc1", "pch", SHARE):
        unit_zh, unit_en, decimals = "%", "%", 1
    elif transform in ("chg", "ch1") and info.measure == "rate":
        unit_zh, unit_en = "百分点", "percentage points"
    return replace(info, name_zh=f"{info.name_zh}（{label_zh}）", name_en=f"{info.name_en} ({label_en})",
                   unit_zh=unit_zh, unit_en=unit_en, decimals=decimals)


def totals_of(gate_series: Mapping[str, SeriesInfo]) -> dict[str, str]:
    """component code -> the total it is part of."""
    return {c: s.code for s in gate_series.values() for c in s.components}


def applicable(info: SeriesInfo, transform: str, totals: Mapping[str, str]) -> bool:
    if transform == SHARE:
        return info.code in totals
    return transform in transforms.allowed(info.measure, info.cumulative)


def compute_view(gate: Gate, state: ExplorerState, *, as_of: datetime | None = None) -> ExplorerView:
    """The explorer's figures for this reader at this instant (or as published at `as_of`)."""
    visible = {s.code: s for s in gate.series()}
    totals = totals_of(visible)
    chosen = [visible[c] for c in state.series if c in visible]
    unknown = tuple(c for c in state.series if c not in visible)
    fit = [s for s in chosen if applicable(s, state.transform, totals)]
    unfit = tuple(s for s in chosen if s not in fit)
    needed = [s.code for s in fit]
    if state.transform == SHARE:
        needed += [totals[s.code] for s in fit]
    table = gate.observations(needed, as_of=as_of) if needed else None
    rows = _rows_by_series(table)
    available = sorted({r["period"] for c in (s.code for s in chosen) for r in rows.get(c, [])},
                       key=_sort_key)
    views = []
    for info in fit:
        mine = rows.get(info.code, [])
        points = _transformed(info, mine, state.transform, rows.get(totals.get(info.code, ""), []))
        # A derived value that cannot be computed (the first year of a year-on-year change) is
        # not a figure: leave the period out rather than show an empty cell.
        points = tuple(p for p in points if in_range(p.period, state.start, state.end)
                       and not (p.derived and p.value is None))
        views.append(SeriesView(shown_info(info, state.transform), points))
    periods = sorted({p.period for v in views for p in v.points}, key=_sort_key)
    if state.last_n:
        periods = periods[-state.last_n:]
        kept = set(periods)
        views = [SeriesView(v.info, tuple(p for p in v.points if p.period in kept)) for v in views]
    vintages = [r["vintage"] for code in needed for r in rows.get(code, [])]
    return ExplorerView(state, tuple(views), unfit, unknown, tuple(periods), tuple(available),
                        max(vintages) if vintages else None)


def _rows_by_series(table: pa.Table | None) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    if table is None:
        return out
    for row in table.to_pylist():
        out.setdefault(row["series_code"], []).append(row)
    return out


def _transformed(info: SeriesInfo, rows: list[dict], transform: str, total_rows: list[dict]) -> list[ViewPoint]:
    by_period = {r["period"]: r for r in rows}
    points = [Point(r["period"], r["value"], r["status"] or "") for r in rows]
    try:
        if transform == SHARE:
            computed = transforms.share_of_total(points, [Point(r["period"], r["value"], r["status"] or "")
                                                          for r in total_rows])
        else:
            computed = transforms.apply(points, transform, measure=info.measure, cumulative=info.cumulative)
    except TransformError as exc:  # `applicable` is checked first; this is a programming error
        raise BadChoice(str(exc)) from None
    out = []
    for point in computed:
        source = by_period[point.period]
        out.append(ViewPoint(point.period, point.value, point.status, source["note"] or "",
                             source["release_id"], source["vintage"], point.derived))
    return out


def view_arrow(view: ExplorerView) -> pa.Table:
    """The view's figures in the gate's column layout, for the output formats."""
    rows = [(s.info.code, p.period, p.value, p.status, p.note or None, p.release_id, p.vintage)
            for s in view.series for p in s.points]
    return pa.table({
        "series_code": pa.array([r[0] for r in rows], pa.string()),
        "period": pa.array([r[1] for r in rows], pa.string()),
        "value": pa.array([r[2] for r in rows], pa.float64()),
        "status": pa.array([r[3] for r in rows], pa.string()),
        "note": pa.array([r[4] for r in rows], pa.string()),
        "release_id": pa.array([r[5] for r in rows], pa.string()),
        "vintage": pa.array([r[6] for r in rows], pa.timestamp("us", tz="UTC")),
    })
