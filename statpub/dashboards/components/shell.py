"""The frame every page shares: skip link, site header with navigation and the language switch,
main landmark, footer. The language switch is a plain link (a full page load), so the server
sets `<html lang>` for the new language."""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html

from statpub.dashboards.i18n import href, other, t
from statpub.dashboards.services import current_gate, services

MAIN_ID = "main"
LANG_SWITCH_ID = "lang-switch"

NAV_ITEMS = (("nav_home", "/"), ("nav_explorer", "/explorer"), ("nav_calendar", "/calendar"),
             ("nav_catalogue", "/catalogue"))


def switch_href(path: str, lang: str, query: dict[str, object] | None = None) -> str:
    """The same page, with the same choices, in the other language."""
    query = {k: v for k, v in (query or {}).items() if k != "lang"}
    return href(path, other(lang), **query)


def page(lang: str, path: str, children: Sequence, *, query: dict[str, object] | None = None,
         active: str | None = None, banner: object = None) -> html.Div:
    if banner is None:  # what features show this reader above every page (e.g. EMBARGOED marks)
        banners = [b for found in services().hooks.page_banners(gate=current_gate(), lang=lang) for b in found]
        banner = banners or None
    nav_links = []
    extra = [item for found in services().hooks.nav_links(lang=lang) for item in found]
    for label, target in [*((t(key, lang), target) for key, target in NAV_ITEMS), *extra]:
        current = active == target
        nav_links.append(html.Li(html.A(label, href=href(target, lang),
                                        className="nav-link" + (" active" if current else ""),
                                        **({"aria-current": "page"} if current else {}))))
    header = html.Header(className="site-header", children=[
        html.Div(className="brand", children=[
            dcc.Link(t("site_title", lang), href=href("/", lang), className="brand-name"),
            html.Span(t("site_subtitle", lang), className="brand-note"),
        ]),
        html.Nav(html.Ul(nav_links, className="nav-list"), **{"aria-label": t("nav", lang)}),
        html.A(t("switch_lang", lang), id=LANG_SWITCH_ID, className="lang-switch",
               href=switch_href(path, lang, query), lang=other(lang),
               title=t("switch_lang_label", lang)),
    ])
    footer = html.Footer(className="site-footer", children=[
        html.P(t("footer_licence", lang)),
        html.P(t("site_subtitle", lang)),
    ])
    return html.Div(className="page", lang=lang, children=[
        html.A(t("skip", lang), href=f"#{MAIN_ID}", className="skip-link"),
        header,
        banner,
        html.Main(id=MAIN_ID, tabIndex="-1", children=list(children)),
        footer,
    ])
