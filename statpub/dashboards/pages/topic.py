"""One page per topic (专题): its published series, the releases that carried them, and what
features add about the topic (its FAQ, published answers, a form to ask) through `page_blocks`."""

from __future__ import annotations

import dash
from dash import dcc, html

from statpub.dashboards.components.releases import feature_blocks
from statpub.dashboards.components.shell import page
from statpub.dashboards.i18n import (
    FREQUENCIES,
    LABELS,
    format_instant,
    href,
    lang_or_default,
    t,
    word,
)
from statpub.dashboards.office_site import titled
from statpub.dashboards.services import current_gate

PATH_TEMPLATE = "/topic/<topic>"
MAX_RELEASES = 20


def layout(topic: str = "", lang: object = None, **_query: object) -> html.Div:
    lang = lang_or_default(lang)
    gate = current_gate()
    path = f"/topic/{topic}"
    info = next((x for x in gate.topics() if x.code == topic), None) if isinstance(topic, str) else None
    if info is None:
        return page(lang, path, [html.H1(t("not_found", lang)), html.P(t("topic_not_found", lang))])
    series = [s for s in gate.series() if s.topic == info.code]
    codes = {s.code for s in series}
    releases = [r for r in reversed(gate.visible_releases()) if codes.intersection(r.series)][:MAX_RELEASES]
    series_items = [html.Li([dcc.Link(s.name(lang), href=href(f"/series/{s.code}", lang)), " ",
                             html.Span(f"（{s.unit(lang)}，{word(FREQUENCIES, s.frequency, lang)}）" if lang == "zh"
                                       else f"({s.unit(lang)}, {word(FREQUENCIES, s.frequency, lang)})")])
                    for s in series]
    release_items = [html.Li([html.Time(format_instant(r.instant, lang), dateTime=r.instant.isoformat()), " ",
                              dcc.Link(r.title(lang), href=href(f"/release/{r.id}", lang))]) for r in releases]
    return page(lang, path, [
        html.H1(info.name(lang)),
        html.Section(id="topic-series", children=[html.H2(t("topic_series", lang)), html.Ul(series_items)]),
        html.Section(id="topic-releases", children=[html.H2(t("topic_releases", lang)),
                                                    html.Ul(release_items) if release_items
                                                    else html.P(t("nothing_public", lang))]),
        *feature_blocks(f"topic:{info.code}", lang),
    ])


def register(app: dash.Dash) -> None:
    dash.register_page("topic", path_template=PATH_TEMPLATE, layout=layout, title=titled(LABELS["topic"]))
