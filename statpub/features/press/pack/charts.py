"""Key charts of a release: plotly figures rendered to PNG and SVG by kaleido with Chromium.

Sized 16:9 for the conference screen (1600×900 CSS px; the PNG at twice that for print). Chinese
labels use Noto Sans CJK SC (Debian's fonts-noto-cjk), with generic fallbacks. An embargoed chart
carries the embargo mark in the picture itself, so an image that leaves the pack still says it.

Rendering is the slow part of a pack, so images are cached by everything they show (`FileCache`,
keyed by the chart's data, labels, mark and this module's code): the same figures at the same
vintage are drawn once. The drawing itself (kaleido) is the site's (statpub.dashboards.chart_images),
shared with the chart downloads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go

from statpub.dashboards.chart_images import FORMATS, Picture, code_version, draw, start_renderer  # noqa: F401
from statpub.dashboards.filecache import FileCache
from statpub.features.press.pack.content import ChartSpec, period_labels

WIDTH, HEIGHT, PNG_SCALE = 1600, 900, 2
FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
PALETTE = ("#1f4e79", "#c0504d", "#4f8a3c", "#d08c2a", "#6f4e9c", "#2a8c8c", "#8c2a5a", "#5a5a5a")

MARGIN = {"l": 90, "r": 40, "t": 160, "b": 200}
PLOT_HEIGHT = HEIGHT - MARGIN["t"] - MARGIN["b"]


def _paper_y(pixels_from_plot_top: float) -> float:
    """A paper coordinate `pixels` above the plot's top edge (negative: below its bottom)."""
    return 1 + pixels_from_plot_top / PLOT_HEIGHT


def figure(spec: ChartSpec, notice: tuple[str, str] | None) -> go.Figure:
    unit_zh, unit_en = spec.unit
    unit = unit_zh if unit_zh == unit_en else f"{unit_zh} / {unit_en}"
    sources_zh = "；".join(dict.fromkeys(s.source_zh for s in spec.series))
    sources_en = "; ".join(dict.fromkeys(s.source_en for s in spec.series))
    cumulative = spec.series[0].cumulative
    x = [f"{zh}<br>{en}" for zh, en in zip(period_labels(spec.periods, cumulative, "zh"),
                                           period_labels(spec.periods, cumulative, "en"), strict=True)]
    fig = go.Figure()
    lines = spec.series[0].measure in ("rate", "index")
    for i, info in enumerate(spec.series):
        ys = [spec.values[info.code].get(p) for p in spec.periods]
        name = f"{info.name_zh}"
        color = PALETTE[i % len(PALETTE)]
        if lines:
            labels = [_label(v, info.decimals) if k == len(ys) - 1 else "" for k, v in enumerate(ys)]
            fig.add_trace(go.Scatter(x=x, y=ys, name=name, mode="lines+markers+text", text=labels,
                                     textposition="top center", line={"color": color, "width": 3},
                                     marker={"size": 8}, cliponaxis=False))
        else:
            fig.add_trace(go.Bar(x=x, y=ys, name=name, marker_color=color))
    title = f"<b>{spec.topic.name_zh}（{unit_zh}）</b><br><span style='font-size:20px'>{spec.topic.name_en} ({unit_en})</span>"
    fig.update_layout(
        template="simple_white", width=WIDTH, height=HEIGHT,
        font={"family": FONT, "size": 20, "color": "#222"},
        title={"text": title, "x": 0.02, "xanchor": "left", "y": 0.95, "font": {"size": 30}},
        barmode="stack" if spec.stacked else "group",
        legend={"orientation": "h", "x": 0, "y": _paper_y(-(PLOT_HEIGHT + 85)), "yanchor": "top", "xanchor": "left",
                "font": {"size": 20}},
        margin=MARGIN,
        yaxis={"title": {"text": unit}, "gridcolor": "#e5e5e5", "showgrid": True,
               "tickformat": ",.0f" if spec.series[0].decimals == 0 else None},
    )
    annotations = [{"text": f"数据来源：{sources_zh}<br>Source: {sources_en}", "xref": "paper", "yref": "paper",
                    "x": 0, "y": _paper_y(-(PLOT_HEIGHT + MARGIN["b"] - 8)), "xanchor": "left", "yanchor": "bottom",
                    "align": "left", "showarrow": False, "font": {"size": 15, "color": "#555"}}]
    if notice:
        annotations.append({"text": f"<b>{notice[0]}</b><br>{notice[1]}", "xref": "paper", "yref": "paper",
                            "x": 1, "y": _paper_y(MARGIN["t"] - 12), "xanchor": "right", "yanchor": "top",
                            "showarrow": False,
                            "align": "right", "font": {"size": 18, "color": "#b00020"},
                            "bordercolor": "#b00020", "borderwidth": 2, "borderpad": 6, "bgcolor": "#fff5f5"})
    fig.update_layout(annotations=annotations)
    return fig


def _label(value: float | None, decimals: int) -> str:
    return "" if value is None else f"{value:,.{decimals}f}"


@dataclass(frozen=True)
class RenderedChart:
    slug: str
    png: Path
    svg: Path
    png_sha256: str
    svg_sha256: str


def fingerprint(spec: ChartSpec, notice: tuple[str, str] | None) -> str:
    """Everything a chart's picture depends on: its data, its labels, the mark, the drawing code."""
    series = [[s.code, s.name_zh, s.name_en, s.unit_zh, s.unit_en, s.decimals, s.measure, s.cumulative,
               s.source_zh, s.source_en] for s in spec.series]
    return json.dumps([_code_version(), spec.slug, spec.topic.code, spec.topic.name_zh, spec.topic.name_en, series,
                       list(spec.periods), spec.values, spec.stacked, notice], ensure_ascii=False, sort_keys=True)


@lru_cache(maxsize=1)
def _code_version() -> str:
    """Changes whenever this module (which draws the charts) changes, so old images are not reused."""
    return code_version(__file__)


def render(specs: list[ChartSpec], notice: tuple[str, str] | None, cache: FileCache) -> list[RenderedChart]:
    """PNG and SVG of each chart, drawn by the site's renderer (statpub.dashboards.chart_images),
    from the cache when the same chart was drawn before (the figure is only built when drawn)."""
    pictures = [Picture(FileCache.key("press-chart", fmt, WIDTH, HEIGHT, PNG_SCALE, fingerprint(spec, notice)),
                        fmt, WIDTH, HEIGHT, PNG_SCALE, lambda spec=spec: figure(spec, notice))
                for spec in specs for fmt in FORMATS]
    files = iter(draw(pictures, cache))
    out = []
    for spec in specs:
        png, svg = next(files), next(files)
        out.append(RenderedChart(spec.slug, png.path, svg.path, png.sha256, svg.sha256))
    return out
