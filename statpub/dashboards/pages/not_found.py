"""The page for an address the site does not have."""

from __future__ import annotations

import dash
from dash import dcc, html

from statpub.dashboards.components.shell import page
from statpub.dashboards.i18n import LABELS, href, lang_or_default, t
from statpub.dashboards.office_site import titled


def layout(lang: object = None, **_query: object) -> html.Div:
    lang = lang_or_default(lang)
    # data-status-code: an HTTP status cannot travel with a client-side page, so the page says it
    # (the link patrol and other crawlers read it).
    return page(lang, "/", [html.Div([html.H1(t("not_found", lang)),
                                      dcc.Link(t("nav_home", lang), href=href("/", lang))],
                                     **{"data-status-code": "404"})])


def register(app: dash.Dash) -> None:
    dash.register_page("not_found_404", path="/404", layout=layout, title=titled(LABELS["not_found"]))
