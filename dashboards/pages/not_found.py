"""The page for an address the site does not have."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboards.components.shell import page
from dashboards.i18n import href, lang_or_default, t


def layout(lang: object = None, **_query: object) -> html.Div:
    lang = lang_or_default(lang)
    return page(lang, "/", [html.H1(t("not_found", lang)), dcc.Link(t("nav_home", lang), href=href("/", lang))])


def register(app: dash.Dash) -> None:
    dash.register_page("not_found_404", path="/404", layout=layout, title="404")
