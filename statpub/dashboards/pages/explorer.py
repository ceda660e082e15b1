"""The indicator explorer: choose series (by name in either language, code or topic), a transform
and a period range; see a chart and the same numbers as a table; take them away as CSV, Excel or
Parquet. Every choice lives in the URL, so a link reproduces the view exactly."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from statpub.dashboards.components.charts import GRAPH_CONFIG
from statpub.dashboards.components.publisher import publisher
from statpub.dashboards.components.shell import LANG_SWITCH_ID, page, switch_href
from statpub.dashboards.components.tables import data_table, flagged, flags_legend
from statpub.dashboards.i18n import LABELS, href, lang_or_default, period_label, t
from statpub.dashboards.office_site import titled
from statpub.dashboards.pages.explorer_chart import chart_figure, named_with_unit
from statpub.dashboards.pages.explorer_model import (
    CHOICES,
    LAST_N_CHOICES,
    BadChoice,
    ExplorerState,
    ExplorerView,
    compute_view,
    state_from_inputs,
    state_from_query,
    vintage_code,
)
from statpub.dashboards.services import current_gate
from statpub.dashboards.takeaway import citation_line, embed_code, view_query
from statpub.kernel import transforms
from statpub.kernel.numbers import format_number
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import SeriesInfo

PATH = "/explorer"
TOPIC = "explorer-topic"
SEARCH = "explorer-search"
SERIES = "explorer-series"
TRANSFORM = "explorer-transform"
START = "explorer-start"
END = "explorer-end"
CHART = "explorer-chart"
LAST_N = "explorer-last-n"
EMBED = "explorer-embed-code"
GRAPH = "explorer-graph"
TABLE = "explorer-table"
MESSAGES = "explorer-messages"
DOWNLOADS = "explorer-downloads"
QUERY = "explorer-query"
URL_SYNC = "explorer-url-sync"
LANG = "explorer-lang"
ALL_TOPICS = "all"
MAX_OPTIONS = 60


def matches(info: SeriesInfo, words: str) -> bool:
    """Whether a series answers a search, by Chinese or English name or code, whatever the page
    language (substring match: Chinese names have no spaces to split on)."""
    needle = words.strip().lower()
    return not needle or any(needle in text.lower() for text in (info.code, info.name_zh, info.name_en))


def series_options(gate: Gate, topic: str | None, search: str, lang: str,
                   keep: tuple[str, ...] = ()) -> list[dict]:
    """Checkboxes for the series already chosen, then those of the topic that match the search
    (at most MAX_OPTIONS: with thousands of series, the search narrows the list)."""
    info = {s.code: s for s in gate.series()}
    chosen = [info[c] for c in keep if c in info]
    others = []
    for s in info.values():
        if len(others) >= MAX_OPTIONS:
            break
        if s.code not in keep and (not topic or s.topic == topic) and matches(s, search):
            others.append(s)
    return [{"label": f"{s.name(lang)} ({s.code})", "value": s.code, "input_id": f"series-{s.code}"}
            for s in chosen + others]


def transform_options(lang: str) -> list[dict]:
    return [{"label": transforms.LABELS[c][lang], "value": c} for c in CHOICES]


def period_options(view: ExplorerView, lang: str) -> list[dict]:
    return [{"label": "—", "value": ""}] + [{"label": period_label(p, lang), "value": p} for p in view.available]


def last_n_options(state: ExplorerState, lang: str) -> list[dict]:
    choices = sorted({*LAST_N_CHOICES, *([state.last_n] if state.last_n else [])})
    return [{"label": t("all_periods", lang), "value": ""}] + [{"label": str(n), "value": str(n)} for n in choices]


def view_table(view: ExplorerView, lang: str) -> html.Div:
    headers = [t("period", lang)] + [named_with_unit(s.info, lang) for s in view.series]
    index = {(s.info.code, p.period): p for s in view.series for p in s.points}
    rows = []
    for period in view.periods:
        row: list = [period_label(period, lang, cumulative=any(s.info.cumulative for s in view.series))]
        for s in view.series:
            p = index.get((s.info.code, period))
            row.append("" if p is None else flagged(format_number(p.value, s.info.decimals, lang),
                                                    p.status, lang))
        rows.append(row)
    notes = sorted({(s.info.name(lang), p.period, p.note) for s in view.series for p in s.points if p.note})
    statuses = [p.status for s in view.series for p in s.points]
    return html.Div([
        data_table(t("table_caption", lang), headers, rows),
        flags_legend(statuses, lang, t("flags_legend", lang)),
        html.Ul([html.Li(f"{name} {period_label(period, lang)}: {note}") for name, period, note in notes],
                className="notes") if notes else None,
    ])


def messages(view: ExplorerView, lang: str) -> list:
    out = []
    if view.not_applicable:
        out.append(html.P(t("not_applicable", lang) + "、".join(s.name(lang) for s in view.not_applicable)
                          if lang == "zh" else
                          t("not_applicable", lang) + ", ".join(s.name(lang) for s in view.not_applicable)))
    if view.empty:
        out.append(html.P(t("no_data", lang)))
    return out


def download_links(view: ExplorerView, lang: str) -> list:
    """The data (CSV, Excel, Parquet, ZIP) and the chart (PNG, SVG, citation, embed code)."""
    if view.vintage is None or view.empty:
        return []
    query = {**view.state.query(), "vintage": vintage_code(view.vintage)}
    query.pop("chart", None)
    query.pop("topic", None)
    data = [html.A(t(f"download_{fmt}", lang), href=href(f"/download/view.{fmt}", "zh", **query),
                   className="button", download="") for fmt in ("csv", "xlsx", "parquet", "zip")]
    return [*data, *take_away(view, lang, query)]


def take_away(view: ExplorerView, lang: str, data_query: dict) -> list:

    pictures = view_query(view.state, lang, vintage=vintage_code(view.vintage))
    # The office's address, not the one this request came by: embed codes are pasted elsewhere,
    # and the page is rendered once per public state for every visitor.
    embed = f"{publisher().base_url}/embed/explorer?{urlencode(view_query(view.state, lang))}"
    page = f"{publisher().base_url}{href(PATH, lang, **view.state.query())}"
    title = "、".join(s.info.name(lang) for s in view.series) if lang == "zh" else \
        "; ".join(s.info.name(lang) for s in view.series)
    return [
        *(html.A(t(f"download_{fmt}", lang), href=f"/download/chart.{fmt}?{urlencode(pictures)}",
                 className="button", download="") for fmt in ("png", "svg")),
        html.P([html.Strong(t("citation", lang) + ": "), citation_line(publisher(), view, lang, page)],
               className="citation"),
        html.Label(t("embed_code", lang), htmlFor=EMBED),
        dcc.Textarea(id=EMBED, value=embed_code(embed, title), readOnly=True, rows=3, className="embed-code",
                     style={"width": "100%"}),
    ]


def outputs(gate: Gate, state: ExplorerState, lang: str) -> dict:
    """Everything the explorer renders for a state; the layout and the callback share it."""
    view = compute_view(gate, state)
    query = state.query()
    return {
        "figure": chart_figure(view, lang),
        "table": view_table(view, lang),
        "messages": messages(view, lang),
        "downloads": download_links(view, lang),
        "search": href(PATH, lang, **query),
        "switch": switch_href(PATH, lang, query),
        "periods": period_options(view, lang),
    }


def search_text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 100:
        raise BadChoice("the search must be text of at most 100 characters")
    return value


def layout(lang: object = None, **query: object) -> html.Div:
    lang = lang_or_default(lang)
    gate = current_gate()
    state = state_from_query(query)
    out = outputs(gate, state, lang)
    topics = [{"label": t("all_topics", lang), "value": ALL_TOPICS}] + [
        {"label": tp.name(lang), "value": tp.code} for tp in gate.topics()]
    # Native controls (select, checkbox, radio) with visible labels: what assistive technology
    # knows best.
    controls = html.Div(className="controls", role="search", children=[
        html.Label(t("topic", lang), htmlFor=TOPIC),
        dbc.Select(id=TOPIC, options=topics, value=state.topic or ALL_TOPICS),
        html.Label(t("search", lang), htmlFor=SEARCH),
        dbc.Input(id=SEARCH, type="search", value="", debounce=0.3, autoComplete="off"),
        html.Fieldset([html.Legend(t("choose_series", lang)),
                       html.Div(dbc.Checklist(id=SERIES, options=series_options(gate, state.topic, "", lang,
                                                                                 state.series),
                                              value=list(state.series), class_name="check-list"),
                                className="series-list")]),
        html.Fieldset([html.Legend(t("transform", lang)),
                       dbc.RadioItems(id=TRANSFORM, options=transform_options(lang), value=state.transform,
                                      class_name="radio-list")]),
        html.Label(t("start", lang), htmlFor=START),
        dbc.Select(id=START, options=out["periods"], value=state.start or ""),
        html.Label(t("end", lang), htmlFor=END),
        dbc.Select(id=END, options=out["periods"], value=state.end or ""),
        html.Label(t("last_n", lang), htmlFor=LAST_N),
        dbc.Select(id=LAST_N, options=last_n_options(state, lang), value=str(state.last_n or "")),
        html.Fieldset([html.Legend(t("chart_type", lang)),
                       dbc.RadioItems(id=CHART, options=[{"label": t("line", lang), "value": "line"},
                                                         {"label": t("bar", lang), "value": "bar"}],
                                      value=state.chart, class_name="radio-list")]),
    ])
    results = html.Section(className="results", **{"aria-live": "polite"}, children=[
        html.Div(out["messages"], id=MESSAGES),
        dcc.Graph(id=GRAPH, figure=out["figure"], config=GRAPH_CONFIG, className="chart",
                  style={"height": "420px"}),
        html.Div(out["table"], id=TABLE),
        html.H2(t("downloads", lang)),
        html.Div(out["downloads"], id=DOWNLOADS, className="downloads"),
    ])
    return page(lang, PATH, [
        html.H1(t("nav_explorer", lang)),
        dcc.Store(id=LANG, data=lang),
        dcc.Store(id=QUERY, data=out["search"]),
        html.Div(id=URL_SYNC, hidden=True),
        html.Div(className="explorer", children=[controls, results]),
    ], query=state.query(), active=PATH)


def register(app: dash.Dash) -> None:
    dash.register_page("explorer", path=PATH, layout=layout, title=titled(LABELS["nav_explorer"]))

    @app.callback(Output(SERIES, "options"), Input(TOPIC, "value"), Input(SEARCH, "value"),
                  State(SERIES, "value"), State(LANG, "data"), prevent_initial_call=True)
    def _filter_changed(topic, search, chosen, lang):
        state = state_from_inputs(chosen, None, None, None, None, None if topic == ALL_TOPICS else topic)
        return series_options(current_gate(), state.topic, search_text(search), lang_or_default(lang),
                              state.series)

    @app.callback(
        Output(GRAPH, "figure"), Output(TABLE, "children"), Output(MESSAGES, "children"),
        Output(DOWNLOADS, "children"), Output(QUERY, "data"), Output(LANG_SWITCH_ID, "href"),
        Output(START, "options"), Output(END, "options"),
        Input(SERIES, "value"), Input(TRANSFORM, "value"), Input(START, "value"), Input(END, "value"),
        Input(CHART, "value"), Input(LAST_N, "value"), State(TOPIC, "value"), State(LANG, "data"),
        prevent_initial_call=True)
    def _view_changed(series, transform, start, end, chart, last_n, topic, lang):
        state = state_from_inputs(series, transform, start, end, chart, None if topic == ALL_TOPICS else topic,
                                  last_n)
        out = outputs(current_gate(), state, lang_or_default(lang))
        return (out["figure"], out["table"], out["messages"], out["downloads"], out["search"],
                out["switch"], out["periods"], out["periods"])

    # Keep the address bar in step with the choices without a navigation (which would re-render
    # the page and move keyboard focus): replaceState, as a clientside callback.
    app.clientside_callback(
        "function(q){ if (q && window.location.pathname + window.location.search !== q) "
        "{ window.history.replaceState(null, '', q); } return ''; }",
        Output(URL_SYNC, "children"), Input(QUERY, "data"))

