"""The release calendar (发布日程表): a year's releases, upcoming and past, with their states and
every change notice with its reason. Calendar metadata is public from announcement."""

from __future__ import annotations

import dash
from dash import html

from statpub.dashboards.components.releases import (
    notices,
    release_link,
    release_status,
    status_badge,
)
from statpub.dashboards.components.shell import page
from statpub.dashboards.i18n import LABELS, format_instant, href, lang_or_default, t
from statpub.dashboards.office_site import titled
from statpub.dashboards.services import current_gate
from statpub.kernel.clock import beijing
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import ReleaseInfo

PATH = "/calendar"


def years(gate: Gate) -> list[int]:
    return sorted({beijing(r.instant).year for r in gate.calendar()})


def chosen_year(gate: Gate, value: object) -> int:
    """The year asked for in the URL, or this year (Beijing) when absent or not in the calendar."""
    available = years(gate)
    if isinstance(value, str) and value.isdigit() and int(value) in available:
        return int(value)
    this_year = beijing(gate.now).year
    return this_year if this_year in available or not available else available[-1]


def release_rows(gate: Gate, releases: list[ReleaseInfo], lang: str) -> html.Div:
    if not releases:
        return html.P("—")
    rows = []
    for r in releases:
        rows.append(html.Tr([
            html.Td(html.Time(format_instant(r.instant, lang), dateTime=r.instant.isoformat())),
            html.Th(release_link(r, lang), scope="row"),
            html.Td(status_badge(release_status(gate, r), lang)),
            html.Td(notices(r, lang, gate.public_history(r))),
        ]))
    head = html.Thead(html.Tr([html.Th(t(k, lang), scope="col") for k in ("instant", "title", "state", "notices")]))
    return html.Div(html.Table([head, html.Tbody(rows)], className="data-table calendar"),
                    className="table-wrap", tabIndex="0", role="region",
                    **{"aria-label": t("nav_calendar", lang)})


def layout(lang: object = None, year: object = None, **_query: object) -> html.Div:
    lang = lang_or_default(lang)
    gate = current_gate()
    shown = chosen_year(gate, year)
    in_year = [r for r in gate.calendar() if beijing(r.instant).year == shown]
    upcoming = [r for r in in_year if release_status(gate, r) not in ("published",) and r.instant > gate.now
                or release_status(gate, r) == "delayed"]
    past = [r for r in in_year if r not in upcoming]
    year_links = html.Nav(html.Ul([
        html.Li(html.A(str(y), href=href(PATH, lang, year=y),
                         **({"aria-current": "page"} if y == shown else {})))
        for y in years(gate)], className="year-list"), **{"aria-label": t("year", lang)})
    return page(lang, PATH, [
        html.H1(f"{t('nav_calendar', lang)} · {shown}"),
        html.P(t("calendar_intro", lang)),
        year_links,
        html.H2(t("upcoming", lang)), release_rows(gate, upcoming, lang),
        html.H2(t("past", lang)), release_rows(gate, list(reversed(past)), lang),
    ], query={"year": shown}, active=PATH)


def register(app: dash.Dash) -> None:
    dash.register_page("calendar", path=PATH, layout=layout, title=titled(LABELS["nav_calendar"]))
