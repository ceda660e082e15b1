"""The catalogue of what the office publishes proactively (主动公开事项目录): every published series,
by topic, with its unit, frequency and a link to its page and to the explorer."""

from __future__ import annotations

import dash
from dash import dcc, html

from statpub.dashboards.components.shell import page
from statpub.dashboards.i18n import FREQUENCIES, LABELS, href, lang_or_default, t, word
from statpub.dashboards.office_site import titled
from statpub.dashboards.services import current_gate

PATH = "/catalogue"


def layout(lang: object = None, **_query: object) -> html.Div:
    lang = lang_or_default(lang)
    gate = current_gate()
    series = gate.series()
    sections = []
    for topic in gate.topics():
        rows = []
        for s in (s for s in series if s.topic == topic.code):
            rows.append(html.Tr([
                html.Th(dcc.Link(s.name(lang), href=href(f"/series/{s.code}", lang)), scope="row"),
                html.Td(html.Code(s.code)), html.Td(s.unit(lang)), html.Td(word(FREQUENCIES, s.frequency, lang)),
                html.Td(dcc.Link(t("explore_series", lang), href=href("/explorer", lang, series=s.code))),
            ]))
        head = html.Thead(html.Tr([html.Th(t(k, lang), scope="col")
                                   for k in ("indicator", "code", "unit", "frequency", "nav_explorer")]))
        sections.append(html.Section([
            html.H2(dcc.Link(topic.name(lang), href=href(f"/topic/{topic.code}", lang)), id=f"topic-{topic.code}"),
            html.Div(html.Table([html.Caption(topic.name(lang)), head, html.Tbody(rows)], className="data-table"),
                     className="table-wrap", tabIndex="0", role="region", **{"aria-label": topic.name(lang)}),
        ]))
    return page(lang, PATH, [html.H1(t("nav_catalogue", lang)), html.P(t("catalogue_intro", lang)), *sections],
                active=PATH)


def register(app: dash.Dash) -> None:
    dash.register_page("catalogue", path=PATH, layout=layout, title=titled(LABELS["nav_catalogue"]))
