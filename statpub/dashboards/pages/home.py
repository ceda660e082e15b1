"""Home: the latest release's headline figures (value, unit, growth, period, a small trend),
the next releases with their exact instants and states, and the topics."""

from __future__ import annotations

import dash
import pyarrow as pa
import pyarrow.compute as pc
from dash import dcc, html

from statpub.dashboards.components.charts import sparkline
from statpub.dashboards.components.publisher import publisher
from statpub.dashboards.components.releases import release_link, release_status, status_badge
from statpub.dashboards.components.shell import page
from statpub.dashboards.i18n import format_instant, href, lang_or_default, period_label, t
from statpub.dashboards.office_site import titled
from statpub.dashboards.services import current_gate
from statpub.kernel import transforms
from statpub.kernel.numbers import format_number, unit_suffix
from statpub.kernel.transforms import Point
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import ReleaseInfo, SeriesInfo

PATH = "/"
MAX_CARDS = 6
MAX_UPCOMING = 5
TREND_POINTS = 8


def headline_series(release: ReleaseInfo, info: dict[str, SeriesInfo]) -> list[SeriesInfo]:
    """The release's own order; a growth rate of a level is shown on that level's card."""
    chosen = [info[c] for c in release.series if c in info and not info[c].growth_of]
    return chosen[:MAX_CARDS]


def headline_cards(gate: Gate, release: ReleaseInfo, lang: str) -> list:
    info = {s.code: s for s in gate.series()}
    wanted = headline_series(release, info)
    growth_of = {s.growth_of: s for s in info.values() if s.growth_of}
    codes = [s.code for s in wanted] + [growth_of[s.code].code for s in wanted if s.code in growth_of]
    # A release may carry thousands of figures: keep only the cards' before leaving Arrow.
    table = gate.release_observations(release.id)
    carried = table.filter(pc.is_in(table["series_code"], value_set=pa.array(codes, pa.string()))).to_pylist()
    latest: dict[str, dict] = {}
    for row in carried:  # ordered by period: the last one per series is the release's newest
        latest[row["series_code"]] = row
    cards_for = [s for s in wanted if s.code in latest]
    history = gate.observations([s.code for s in cards_for]).to_pylist()
    cards = []
    for s in cards_for:
        row = latest[s.code]
        body = [html.H3(s.name(lang), className="card-title"),
                html.P([html.Span(format_number(row["value"], s.decimals, lang), className="figure"),
                        html.Span(unit_suffix(s.unit(lang), lang), className="unit")]),
                html.P(period_label(row["period"], lang, cumulative=s.cumulative), className="period")]
        growth = growth_of.get(s.code)
        grow_row = next((r for r in carried if growth and r["series_code"] == growth.code
                         and r["period"] == row["period"]), None)
        if growth and grow_row:
            value = grow_row["value"]
            word = t("decrease" if value is not None and value < 0 else "growth", lang)
            shown = format_number(abs(value) if value is not None else None, growth.decimals, lang)
            body.append(html.P(f"{word} {shown}%", className="growth"))
        body += trend_block(s, [r for r in history if r["series_code"] == s.code and r["period"] <= row["period"]],
                            lang)
        body.append(dcc.Link(t("explore_series", lang), href=href("/explorer", lang, series=s.code)))
        cards.append(html.Article(body, className="card"))
    return cards


def trend_points(info: SeriesInfo, rows: list[dict]) -> tuple[str, list[Point]]:
    """The last periods of what a reader compares (transforms.compared): a cumulative flow's single
    periods, not its year-to-date sawtooth. Periods that cannot be derived are left out."""
    transform = transforms.compared(info.measure, info.cumulative)
    points = [Point(r["period"], r["value"], r["status"] or "") for r in rows]
    shown = transforms.apply(points, transform, measure=info.measure, cumulative=info.cumulative)
    return transform, [p for p in shown if p.value is not None][-TREND_POINTS:]


def trend_block(info: SeriesInfo, rows: list[dict], lang: str) -> list:
    transform, points = trend_points(info, rows)
    if len(points) < 2:
        return []
    graph = html.Div(dcc.Graph(figure=sparkline([p.value for p in points], [p.period for p in points], info.code),
                               config={"staticPlot": True}, className="spark"), **{"aria-hidden": "true"})
    if transform == "lin":
        return [graph]
    # Say what the line shows: derived single periods, not the published 1—N figures beside it.
    return [graph, html.P(f"{t('trend', lang)}：{transforms.LABELS[transform][lang]}" if lang == "zh"
                          else f"{t('trend', lang)}: {transforms.LABELS[transform][lang]}", className="spark-note")]


def upcoming_list(gate: Gate, lang: str) -> html.Ul | html.P:
    upcoming = [r for r in gate.calendar() if not gate.is_public(r) and r.instant > gate.now
                or release_status(gate, r) == "delayed"][:MAX_UPCOMING]
    if not upcoming:
        return html.P(t("no_upcoming", lang))
    return html.Ul([html.Li([html.Time(format_instant(r.instant, lang), dateTime=r.instant.isoformat()),
                             " ", release_link(r, lang), " ", status_badge(release_status(gate, r), lang)])
                    for r in upcoming], className="upcoming")


def layout(lang: object = None, **_query: object) -> html.Div:
    lang = lang_or_default(lang)
    gate = current_gate()
    public = [r for r in gate.visible_releases() if r.observation_count]
    blocks: list = [html.H1(publisher().site_title(lang))]
    if public:
        latest = public[-1]  # the newest vintage: visible releases come in the order of publication
        since = gate.public_since(latest) or latest.instant
        blocks += [html.Section(className="latest", **{"aria-labelledby": "latest-title"}, children=[
            html.H2(t("latest_release", lang), id="latest-title"),
            html.P([release_link(latest, lang), " · ", html.Time(format_instant(since, lang), dateTime=since.isoformat())]),
            html.Div(headline_cards(gate, latest, lang), className="cards"),
        ])]
    else:
        blocks.append(html.P(t("nothing_public", lang)))
    blocks.append(html.Section([html.H2(t("upcoming", lang)), upcoming_list(gate, lang),
                                dcc.Link(t("nav_calendar", lang), href=href("/calendar", lang))]))
    blocks.append(html.Section([html.H2(t("topics", lang)), html.Ul(
        [html.Li(dcc.Link(tp.name(lang), href=href(f"/topic/{tp.code}", lang))) for tp in gate.topics()],
        className="topics")]))
    return page(lang, PATH, blocks, active=PATH)


def register(app: dash.Dash) -> None:
    dash.register_page("home", path=PATH, layout=layout, title=titled(None))
