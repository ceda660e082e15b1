"""A series: its metadata (definition, unit, frequency, source, cumulative or not), its latest
figures with notes, its vintages (which release published figures when) and a citation."""

from __future__ import annotations

import dash
from dash import dcc, html

from statpub.dashboards.components.publisher import publisher, series_citation
from statpub.dashboards.components.releases import feature_blocks
from statpub.dashboards.components.shell import page
from statpub.dashboards.components.tables import data_table, flagged, flags_legend
from statpub.dashboards.i18n import (
    FREQUENCIES,
    LABELS,
    MEASURES,
    PRICES,
    format_instant,
    href,
    lang_or_default,
    period_label,
    t,
    word,
)
from statpub.dashboards.office_site import titled
from statpub.dashboards.services import current_gate, services
from statpub.kernel.numbers import format_number

PATH_TEMPLATE = "/series/<code>"
LATEST = 8


def layout(code: str = "", lang: object = None, **_query: object) -> html.Div:
    lang = lang_or_default(lang)
    gate = current_gate()
    path = f"/series/{code}"
    info = gate.series_info(code) if isinstance(code, str) else None
    if info is None:
        return page(lang, path, [html.H1(t("not_found", lang)), html.P(t("series_not_found", lang))])
    meta = [("code", info.code), ("unit", info.unit(lang)), ("frequency", word(FREQUENCIES, info.frequency, lang)),
            ("measure", word(MEASURES, info.measure, lang)),
            ("cumulative", t("yes", lang) if info.cumulative else t("no", lang)),
            ("definition", info.text("definition", lang)),
            ("source", info.text("source", lang))]
    if info.prices:
        meta.insert(4, ("prices", word(PRICES, info.prices, lang)))
    rows = gate.observations([info.code]).to_pylist()[-LATEST:]
    latest = data_table(t("latest_values", lang), [t("period", lang), f"{t('value', lang)} ({info.unit(lang)})",
                                                   t("note", lang)],
                        [[period_label(r["period"], lang, cumulative=info.cumulative),
                          flagged(format_number(r["value"], info.decimals, lang), r["status"], lang), r["note"] or ""]
                         for r in reversed(rows)], numeric_to=2)
    releases = {r.id: r for r in gate.calendar()}
    vintages = gate.vintages(info.code)
    vintage_items = [html.Li([html.Time(format_instant(instant, lang), dateTime=instant.isoformat()), " ",
                              dcc.Link(releases[rid].title(lang), href=href(f"/release/{rid}", lang))])
                     for rid, instant in reversed(vintages)]
    newest = vintages[-1][1] if vintages else None
    return page(lang, path, [
        html.H1(info.name(lang)),
        html.Dl([item for key, value in meta for item in (html.Dt(t(key, lang)), html.Dd(value))],
                className="meta"),
        dcc.Link(t("explore_series", lang), href=href("/explorer", lang, series=info.code), className="button"),
        html.H2(t("latest_values", lang)), latest,
        flags_legend([r["status"] or "" for r in rows], lang, t("flags_legend", lang)),
        html.H2(t("vintages", lang)), html.Ul(vintage_items, className="vintages"),
        html.H2(t("citation", lang)),
        html.Blockquote(series_citation(publisher(), info.code, info.name(lang), newest, lang), className="citation"),
        html.P(dcc.Link(t("topic_page", lang), href=href(f"/topic/{info.topic}", lang))),
        *(feature_blocks(f"series:{info.code}", lang) if services().gate().series_info(info.code) else []),
    ])


def register(app: dash.Dash) -> None:
    dash.register_page("series", path_template=PATH_TEMPLATE, layout=layout, title=titled(LABELS["series"]))
