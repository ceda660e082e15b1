"""Plotly figures built with graph_objects. Colours pass WCAG contrast on white; every chart is
paired with a table of the same numbers, so the chart itself can stay simple."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

# A palette whose colours all reach 3:1 against white (graphical objects, WCAG 1.4.11).
PALETTE = ("#1f4e9c", "#b3261e", "#2e7d32", "#8e44ad", "#c25e00", "#00796b", "#5d4037", "#37474f")
FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
GRAPH_CONFIG = {"displaylogo": False, "responsive": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


@dataclass(frozen=True)
class Trace:
    name: str
    x: Sequence[str]  # period labels
    y: Sequence[float | None]
    hover: Sequence[str]  # formatted value with unit and flags


def series_chart(traces: Sequence[Trace], *, kind: str, title: str, y_title: str) -> go.Figure:
    fig = go.Figure()
    for i, trace in enumerate(traces):
        colour = PALETTE[i % len(PALETTE)]
        common = dict(name=trace.name, x=list(trace.x), y=list(trace.y), customdata=list(trace.hover),
                      hovertemplate="%{x}<br>%{customdata}<extra>%{fullData.name}</extra>")
        if kind == "bar":
            fig.add_trace(go.Bar(marker_color=colour, **common))
        else:
            fig.add_trace(go.Scatter(mode="lines+markers", line=dict(color=colour, width=2),
                                     marker=dict(size=5), connectgaps=False, **common))
    fig.update_layout(
        title=dict(text=title, x=0, font=dict(size=16)), font=dict(family=FONT, color="#1a1a1a"),
        margin=dict(l=60, r=20, t=50, b=60), plot_bgcolor="#ffffff", paper_bgcolor="#ffffff",
        legend=dict(orientation="h", y=-0.2), barmode="group", hovermode="x unified",
        yaxis=dict(title=dict(text=y_title), gridcolor="#d9d9d9", zerolinecolor="#8c8c8c"),
        xaxis=dict(type="category", gridcolor="#f0f0f0"),
    )
    return fig


def sparkline(values: Sequence[float | None], periods: Sequence[str], name: str) -> go.Figure:
    """A small trend line for a headline figure (decorative: the figure is in text beside it)."""
    fig = go.Figure(go.Scatter(x=list(periods), y=list(values), mode="lines", name=name,
                               line=dict(color=PALETTE[0], width=2), hoverinfo="skip"))
    fig.update_layout(margin=dict(l=0, r=0, t=0, b=0), height=48, showlegend=False,
                      xaxis=dict(visible=False, type="category"), yaxis=dict(visible=False),
                      plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)")
    return fig


def warm_up() -> None:
    """Build one figure of each kind once per process: plotly loads its validators lazily, which
    costs about a second on the first figure — better at start than on release day's first page."""
    series_chart([Trace("", ["2024"], [1.0], [""])], kind="line", title="", y_title="").to_plotly_json()
    series_chart([Trace("", ["2024"], [1.0], [""])], kind="bar", title="", y_title="").to_plotly_json()
    sparkline([1.0, 2.0], ["2023", "2024"], "").to_plotly_json()
