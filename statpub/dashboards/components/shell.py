"""The frame every page shares: skip link, site header with navigation and the language switch,
main landmark, footer. The language switch is a plain link (a full page load), so the server
sets `<html lang>` for the new language."""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html

from statpub.dashboards.components.publisher import publisher
from statpub.dashboards.i18n import href, other, t
from statpub.dashboards.office_site import logo_url
from statpub.dashboards.services import current_gate, services
from statpub.kernel.office import Office

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
    office = publisher()
    header = html.Header(className="site-header", children=[
        brand(office, lang),
        html.Nav(html.Ul(nav_links, className="nav-list"), **{"aria-label": t("nav", lang)}),
        html.A(t("switch_lang", lang), id=LANG_SWITCH_ID, className="lang-switch",
               href=switch_href(path, lang, query), lang=other(lang),
               title=t("switch_lang_label", lang)),
    ])
    footer = site_footer(office, lang)
    return html.Div(className="page", lang=lang, children=[
        html.A(t("skip", lang), href=f"#{MAIN_ID}", className="skip-link"),
        header,
        banner,
        html.Main(id=MAIN_ID, tabIndex="-1", children=list(children)),
        footer,
    ])


def brand(office: Office, lang: str) -> html.Div:
    """The office's logo and name, and its notice (a demo says so here, on every page)."""
    logo = logo_url(office)
    children: list = []
    if logo:  # decorative: the office's name follows as text
        children.append(html.Img(src=logo, alt="", className="brand-logo", height="40", width="40"))
    names = [dcc.Link(office.site_title(lang), href=href("/", lang), className="brand-name")]
    if office.notice:
        names.append(html.Span(office.notice(lang), className="brand-note"))
    children.append(html.Div(names, className="brand-names"))
    return html.Div(className="brand", children=children)


def site_footer(office: Office, lang: str) -> html.Footer:
    """Who publishes, under which licence, how to reach them."""
    licence = office.licence_text(lang)
    lines = [html.P([office.office(lang)], className="footer-office"),
             html.P([t("licence", lang), "：" if lang == "zh" else ": ",
                     html.A(licence, href=office.licence.url, rel="license") if office.licence.url else licence])]
    contact = office.contact
    if contact is not None:
        parts: list = []
        if contact.email:
            parts.append(html.A(contact.email, href=f"mailto:{contact.email}"))
        if contact.phone:
            parts.append(contact.phone)
        if contact.address:
            parts.append(contact.address(lang))
        if contact.url:
            parts.append(html.A(contact.url, href=contact.url))
        joined: list = []
        for part in parts:
            joined += [" · ", part] if joined else [part]
        if joined:
            lines.append(html.P([t("contact", lang), "：" if lang == "zh" else ": ", *joined]))
    if office.notice:
        lines.append(html.P(office.notice(lang), className="footer-notice"))
    return html.Footer(className="site-footer", children=lines)
