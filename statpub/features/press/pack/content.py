"""What a briefing pack shows, gathered once through the gate for the requesting reader.

Every document of the pack (DOCX, XLSX, PPTX, charts, data files) is drawn from one `PackContent`,
so they cannot disagree. Figures come from the gate only: the release's own figures
(`release_observations`), and for charts the series' history as it was public at the release's
instant (or, inside the pre-release window, as this reader sees it now).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from statpub.kernel.clock import format_beijing
from statpub.kernel.errors import NotFound
from statpub.kernel.figures import Figure, render
from statpub.kernel.flags import FLAGS
from statpub.kernel.numbers import format_number
from statpub.kernel.periods import Period, period_from_code
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import ReleaseInfo, SeriesInfo, TopicInfo

HISTORY_PERIODS = 8  # periods shown in each chart, ending with the release's own
MAX_CHARTS = 9  # one per topic; the demo's quarterly release has nine


def embargo_notice(release: ReleaseInfo) -> tuple[str, str]:
    """The mark every embargoed document carries: (English, Chinese)."""
    return (f"EMBARGOED — NOT FOR PUBLICATION BEFORE {format_beijing(release.instant, 'en')}",
            f"禁止提前发布：{format_beijing(release.instant, 'zh')}前不得公开")


def embargo_file_tag(release: ReleaseInfo) -> str:
    """A file-name-safe form of the mark, e.g. EMBARGOED-until-2027-01-20-1000-Beijing."""
    from statpub.kernel.clock import beijing

    return "EMBARGOED-until-" + beijing(release.instant).strftime("%Y-%m-%d-%H%M") + "-Beijing"


@dataclass(frozen=True)
class Row:
    """One figure of the release, as the gate gave it."""

    series: SeriesInfo
    period: str
    value: float | None
    status: str
    note: str

    def formatted(self, lang: str = "zh") -> str:
        return format_number(self.value, self.series.decimals, lang)

    def period_label(self, lang: str) -> str:
        return period_from_code(self.period).label(lang, cumulative=self.series.cumulative)

@dataclass(frozen=True)
class KeyFigure:
    """A headline line: a level with its growth rate beside it when the release carries both."""

    row: Row
    growth: Row | None

    @property
    def flags(self) -> str:
        """The flags of the level and its growth rate, each letter once, in the usual order."""
        letters = set(self.row.status) | set(self.growth.status if self.growth else "")
        return "".join(f for f in FLAGS if f in letters)


@dataclass(frozen=True)
class Table:
    """One topic's figures, as a sheet of tables.xlsx: one line per series, one column per period."""

    topic: TopicInfo
    periods: tuple[str, ...]
    lines: tuple[tuple[SeriesInfo, dict[str, Row]], ...]


@dataclass(frozen=True)
class ChartSpec:
    """A key chart: a topic's series sharing one unit over the last periods up to the release."""

    slug: str
    topic: TopicInfo
    series: tuple[SeriesInfo, ...]
    periods: tuple[str, ...]
    values: dict[str, dict[str, float | None]]  # code -> period -> value
    stacked: bool  # components of a total the chart leaves out

    @property
    def unit(self) -> tuple[str, str]:
        return self.series[0].unit_zh, self.series[0].unit_en


@dataclass(frozen=True)
class PackContent:
    release: ReleaseInfo
    snapshot_name: str
    now: datetime
    reader_name: str | None
    reader_role: str
    embargoed: bool
    rows: tuple[Row, ...]
    observations: object  # the gate's Arrow table of the release's figures (for the data files)
    series: dict[str, SeriesInfo]
    key_figures: tuple[KeyFigure, ...]
    tables: tuple[Table, ...]
    charts: tuple[ChartSpec, ...]
    interpretation: dict[str, str]  # lang -> rendered Markdown
    office: PackOffice

    @property
    def notice(self) -> tuple[str, str] | None:
        return embargo_notice(self.release) if self.embargoed else None

    def source(self, lang: str) -> str:
        names = dict.fromkeys((s.source_zh if lang == "zh" else s.source_en) for s in self.series.values())
        return "；".join(names) if lang == "zh" else "; ".join(names)


@dataclass(frozen=True)
class PackOffice:
    """Who publishes (office.yaml): names (zh, en), the licence in one line, and the notice every
    page of the site carries (a demo's), if any. `office[0]`/`office[1]` are the names."""

    names: tuple[str, str] = ("", "")
    licence: str = ""
    notice: tuple[str, str] | None = None

    def __getitem__(self, index: int) -> str:
        return self.names[index]

    @classmethod
    def of(cls, office: PackOffice | tuple[str, str]) -> PackOffice:
        return office if isinstance(office, PackOffice) else cls(tuple(office))


def gather(gate: Gate, release_id: str, office: PackOffice | tuple[str, str] = ("", "")) -> PackContent:
    """Everything the pack shows, for this gate's reader at this gate's instant. A release the
    reader may not see is indistinguishable from one that does not exist."""
    release = gate.calendar_entry(release_id)
    if release is None or not gate.can_see(release_id) or not release.observation_count:
        raise NotFound(f"no briefing pack for {release_id!r}")
    table = gate.release_observations(release_id)
    series = {code: info for code in release.series if (info := gate.series_info(code)) is not None}
    rows = tuple(Row(series[r["series_code"]], r["period"], r["value"], r["status"] or "", r["note"] or "")
                 for r in table.to_pylist() if r["series_code"] in series)
    ordered = sorted(rows, key=lambda r: (series[r.series.code].position, r.period))
    public = gate.is_public(release)
    return PackContent(
        release=release,
        snapshot_name=gate.snapshot.name,
        now=gate.now,
        reader_name=gate.reader.name,
        reader_role=gate.reader.role,
        embargoed=not public,
        rows=tuple(ordered),
        observations=table,
        series=series,
        key_figures=_key_figures(ordered),
        tables=_tables(gate, ordered),
        charts=_charts(gate, release, ordered, as_of=gate.public_since(release) if public else None),
        interpretation=_interpretations(gate, release, ordered),
        office=PackOffice.of(office),
    )


def _latest(rows: list[Row]) -> dict[str, Row]:
    latest: dict[str, Row] = {}
    for row in rows:
        if row.series.code not in latest or row.period > latest[row.series.code].period:
            latest[row.series.code] = row
    return latest


def _key_figures(rows: list[Row]) -> tuple[KeyFigure, ...]:
    latest = _latest(rows)
    paired = {r.series.growth_of for r in latest.values() if r.series.growth_of in latest}
    out = []
    for code, row in latest.items():
        if code in paired:
            growth = next(g for g in latest.values() if g.series.growth_of == code)
            out.append(KeyFigure(row, growth if growth.period == row.period else None))
        elif row.series.growth_of not in paired:
            out.append(KeyFigure(row, None))
    return tuple(out)


def _topics(gate: Gate) -> dict[str, TopicInfo]:
    return {t.code: t for t in gate.topics()}


def _tables(gate: Gate, rows: list[Row]) -> tuple[Table, ...]:
    topics = _topics(gate)
    by_topic: dict[str, dict[str, dict[str, Row]]] = {}
    for row in rows:
        by_topic.setdefault(row.series.topic, {}).setdefault(row.series.code, {})[row.period] = row
    out = []
    for code in sorted(by_topic, key=lambda c: topics[c].position):
        lines = by_topic[code]
        periods = sorted({p for cells in lines.values() for p in cells})
        out.append(Table(topics[code], tuple(periods),
                         tuple((next(iter(cells.values())).series, cells) for cells in lines.values())))
    return tuple(out)


def _charts(gate: Gate, release: ReleaseInfo, rows: list[Row], as_of: datetime | None) -> tuple[ChartSpec, ...]:
    """One chart per topic: its growth rates or indices if the release carries any (the trend a
    press conference shows), otherwise its levels; components of a total are stacked."""
    topics = _topics(gate)
    latest = _latest(rows)
    groups: dict[str, list[SeriesInfo]] = {}
    for row in latest.values():
        groups.setdefault(row.series.topic, []).append(row.series)
    specs = []
    for topic_code in sorted(groups, key=lambda c: topics[c].position)[:MAX_CHARTS]:
        members = groups[topic_code]
        rates = [s for s in members if s.measure in ("rate", "index")]
        chosen = rates or members
        unit = chosen[0].unit_en
        chosen = [s for s in chosen if s.unit_en == unit]
        stacked = False
        for total in chosen:
            parts = [s for s in chosen if s.code in total.components]
            if parts and len(parts) == len(total.components):
                chosen, stacked = parts, True
                break
        end = max(period_from_code(latest[s.code].period) for s in chosen)
        periods = tuple(end.shift(-k).code for k in range(HISTORY_PERIODS - 1, -1, -1))
        history = gate.observations([s.code for s in chosen], start=periods[0], end=periods[-1], as_of=as_of)
        values: dict[str, dict[str, float | None]] = {s.code: {} for s in chosen}
        for r in history.to_pylist():
            values[r["series_code"]][r["period"]] = r["value"]
        for s in chosen:  # the release's own figures win: the pack shows what this release says
            for row in rows:
                if row.series.code == s.code and row.period in periods:
                    values[s.code][row.period] = row.value
        specs.append(ChartSpec(f"{len(specs) + 1:02d}-{topic_code}", topics[topic_code], tuple(chosen),
                               periods, values, stacked))
    return tuple(specs)


def _interpretations(gate: Gate, release: ReleaseInfo, rows: list[Row]) -> dict[str, str]:
    """The interpretation in each language with its figures rendered from the release's own
    figures (text and data are published together, so they must agree)."""
    own = {(r.series.code, r.period): r for r in rows}
    as_of = gate.public_since(release) if gate.is_public(release) else None

    def lookup(code: str, period: str) -> Figure | None:
        row = own.get((code, period))
        if row is not None:
            return Figure(row.value, row.series.decimals, row.series.unit_zh, row.series.unit_en)
        info = gate.series_info(code)
        found = gate.observations([code], start=period, end=period, as_of=as_of).to_pylist()
        if info is None or not found:
            return None
        return Figure(found[0]["value"], info.decimals, info.unit_zh, info.unit_en)

    out = {}
    for lang in ("zh", "en"):
        text = gate.interpretation(release.id, lang)
        if text:
            out[lang] = render(text, lookup, lang)
    return out


def period_labels(periods: tuple[str, ...], cumulative: bool, lang: str) -> list[str]:
    return [Period.label(period_from_code(p), lang, cumulative=cumulative) for p in periods]
