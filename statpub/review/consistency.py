"""Consistency of a release's figures with each other and with what was published before it:
components vs totals, cumulative (1—N) vs single periods, published growth rates vs levels.
Large disagreements are flagged for a human (warnings); impossible ones are errors."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from statpub.etl.review_config import ConsistencyRules
from statpub.review.findings import Finding
from statpub.warehouse.reader import ReleaseInfo, SeriesInfo


@dataclass(frozen=True)
class Value:
    value: float | None
    release_id: str


Values = dict[tuple[str, str], Value]


def values_as_of(cur: duckdb.DuckDBPyConnection, release: ReleaseInfo, codes: set[str],
                 years: set[str]) -> Values:
    """The latest vintage per (series, period) among releases up to this one (this one winning),
    for the given series and years — what readers will see right after the release goes out."""
    if not codes or not years:
        return {}
    rows = cur.execute(
        "SELECT o.series_code, o.period, o.value, o.release_id FROM observations o "
        "JOIN releases r USING (release_id) "
        "WHERE list_contains(?, o.series_code) AND list_contains(?, left(o.period, 4)) "
        "AND (r.instant < ? OR o.release_id = ?) "
        "QUALIFY row_number() OVER (PARTITION BY o.series_code, o.period "
        "ORDER BY (o.release_id = ?) DESC, r.instant DESC, o.release_id DESC) = 1",
        [sorted(codes), sorted(years), release.instant, release.id, release.id]).fetchall()
    return {(c, p): Value(v, rid) for c, p, v, rid in rows}


def _previous_period(period: str) -> str | None:
    """The period before, within the same year (None for the first)."""
    year, _, rest = period.partition("-")
    if not rest:
        return None
    if rest.startswith("Q"):
        n = int(rest[1:])
        return f"{year}-Q{n - 1}" if n > 1 else None
    n = int(rest)
    return f"{year}-{n - 1:02d}" if n > 1 else None


def _year_before(period: str) -> str:
    return f"{int(period[:4]) - 1}{period[4:]}"


def single(values: Values, code: str, period: str) -> float | None:
    """Single-period value derived from cumulative ones (Q3 = 1—3季度 − 1—2季度)."""
    now = values.get((code, period))
    if now is None or now.value is None:
        return None
    before = _previous_period(period)
    if before is None:
        return now.value
    prev = values.get((code, before))
    return None if prev is None or prev.value is None else now.value - prev.value


def check_release(cur: duckdb.DuckDBPyConnection, release: ReleaseInfo, series: dict[str, SeriesInfo],
                  rules: ConsistencyRules) -> list[Finding]:
    carried = cur.execute("SELECT DISTINCT series_code, period FROM observations WHERE release_id = ?",
                          [release.id]).fetchall()
    if not carried:
        return []
    codes = {c for c, _p in carried}
    related = set(codes)
    for s in series.values():
        if s.code in codes or set(s.components) & codes:
            related |= {s.code, *s.components}
        if s.code in codes and s.growth_of:
            related.add(s.growth_of)
    years = {p[:4] for _c, p in carried} | {str(int(p[:4]) - 1) for _c, p in carried}
    values = values_as_of(cur, release, related, years)
    found: list[Finding] = []
    mine = sorted(carried)
    found += _components(release, series, values, {p for _c, p in mine}, codes)
    for code, period in mine:
        info = series.get(code)
        if info is None:
            continue
        if info.cumulative and info.measure == "flow":
            found += cumulative_findings(release, info, values, period, rules)
        if info.growth_of:
            found += growth_findings(release, info, values, period, rules)
    return found


def _components(release: ReleaseInfo, series: dict[str, SeriesInfo], values: Values,
                periods: set[str], codes: set[str]) -> list[Finding]:
    found = []
    for total in series.values():
        if not total.components or not ({total.code, *total.components} & codes):
            continue
        for period in sorted(periods):
            members = [values.get((c, period)) for c in (total.code, *total.components)]
            if any(m is None or m.value is None for m in members):
                continue  # a withheld or missing cell: nothing to compare
            parts = sum(m.value for m in members[1:])
            if abs(members[0].value - parts) > total.tolerance + 1e-9:
                found.append(Finding(release.id, "error", "consistency", f"{total.code}@{period}",
                                     f"{total.code} is {members[0].value:g} but its components add up to "
                                     f"{parts:g} (tolerance {total.tolerance:g})"))
    return found


def cumulative_findings(release: ReleaseInfo, info: SeriesInfo, values: Values, period: str,
                rules: ConsistencyRules) -> list[Finding]:
    now = single(values, info.code, period)
    if now is None:
        return []
    where = f"{info.code}@{period}"
    if now < 0:
        return [Finding(release.id, "error", "consistency", where,
                        f"the single period derived from cumulative {info.code} is negative ({now:g})")]
    last = single(values, info.code, _year_before(period))
    if last is None or last <= 0:
        return []
    change = (now / last - 1) * 100
    if abs(change) > rules.single_period_change_pct:
        return [Finding(release.id, "warning", "consistency", where,
                        f"the single period derived from cumulative {info.code} ({now:g}) differs by "
                        f"{change:+.1f} % from the same period a year before ({last:g}); please confirm")]
    return []


def growth_findings(release: ReleaseInfo, info: SeriesInfo, values: Values, period: str,
            rules: ConsistencyRules) -> list[Finding]:
    rate = values.get((info.code, period))
    level = values.get((info.growth_of, period))
    base = values.get((info.growth_of, _year_before(period)))
    if any(v is None or v.value is None for v in (rate, level, base)) or base.value == 0:
        return []
    nominal = (level.value / base.value - 1) * 100
    real = info.prices == "comparable"
    limit = rules.real_growth_gap_pp if real else rules.nominal_growth_gap_pp
    gap = rate.value - nominal
    if abs(gap) <= limit:
        return []
    kind = "real growth" if real else "growth"
    return [Finding(release.id, "warning", "consistency", f"{info.code}@{period}",
                    f"published {kind} {rate.value:g} % differs by {gap:+.1f} points from the "
                    f"{nominal:.1f} % change of the {info.growth_of} levels (limit {limit:g}); "
                    "please confirm")]
