"""The explorer's chart, shared by its page and the take-away routes (pictures, embeds): one
figure for one view, whatever asks for it."""

from __future__ import annotations

from statpub.dashboards.components.charts import Trace, series_chart
from statpub.dashboards.pages.explorer_model import ExplorerView
from statpub.kernel import transforms
from statpub.kernel.numbers import format_number, with_unit
from statpub.warehouse.reader import SeriesInfo


def named_with_unit(info: SeriesInfo, lang: str) -> str:
    """The series' name with its unit, unless the name (of a transform) already says it."""
    name, unit = info.name(lang), info.unit(lang)
    if unit in name:
        return name
    return f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})"


def chart_figure(view: ExplorerView, lang: str):
    traces = []
    for s in view.series:
        hover = [with_unit(format_number(p.value, s.info.decimals, lang), s.info.unit(lang), lang)
                 + (f" [{p.status}]" if p.status else "") for p in s.points]
        traces.append(Trace(named_with_unit(s.info, lang), [p.period for p in s.points],
                            [p.value for p in s.points], hover))
    units = {s.info.unit(lang) for s in view.series}
    title = transforms.LABELS[view.state.transform][lang]
    return series_chart(traces, kind=view.state.chart, title=title,
                        y_title=units.pop() if len(units) == 1 else "")
