"""The Dash app factory. Nothing is read at import: `create_app()` wires settings, clock and the
warehouse reader into the Flask server; the layout is computed per request through the gate."""

from __future__ import annotations

import dash
from dash import html
from flask import jsonify

from dashboards import feeds, http
from dashboards.api import register_api
from dashboards.services import EXTENSION_KEY, Services, services
from press import web as press_web
from statpub.clock import Clock, clock_from_env, format_beijing
from statpub.config import Settings, resolve_settings
from statpub.numbers import format_number
from warehouse.reader import WarehouseReader

HEADLINE_SERIES = ("GDP", "GDP_GROWTH")


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> dash.Dash:
    settings = settings or resolve_settings()
    # Pages are registered here, not at import, so a test can build several apps in one process.
    # use_async=False: our callbacks are plain functions; Dash's async router would go through
    # asgiref, which refuses to run in a thread that already has an event loop.
    app = dash.Dash(__name__, title="statpub", update_title=None, use_pages=True, pages_folder="",
                    use_async=False)
    server = app.server
    server.extensions[EXTENSION_KEY] = Services(settings, clock or clock_from_env(),
                                                WarehouseReader(settings.warehouse_dir))
    http.install(server)
    server.register_blueprint(feeds.blueprint)  # /calendar.ics, /feed.atom (review)
    register_api(server)
    dash.register_page("home", path="/", layout=home_layout)
    press_web.install(app)  # pre-release area: login, session reader, pages, pack download
    app.layout = html.Div([dash.page_container])

    @server.get("/healthz")
    def healthz():
        svc = services()
        gate = svc.gate()
        nxt = gate.next_instant()
        return jsonify(status="ok", snapshot=gate.snapshot.name, now=gate.now.isoformat(),
                       next_instant=nxt.isoformat() if nxt else None)

    return app


def home_layout(**_query: str) -> html.Div:
    """The latest public release's headline figures and the coming releases (minimal home)."""
    gate = services().gate()
    public = [r for r in gate.visible_releases() if r.observation_count]
    upcoming = [r for r in gate.calendar() if not gate.is_public(r)]
    blocks: list = [html.H1("示例市统计数据发布 · Example City statistics")]
    if public:
        latest = public[-1]
        rows = gate.release_observations(latest.id).to_pylist()
        shown = [r for r in rows if r["series_code"] in HEADLINE_SERIES]
        items = []
        for row in shown:
            info = gate.snapshot.series[row["series_code"]]
            items.append(html.Li(f"{info.name_zh} {row['period']}: "
                                 f"{format_number(row['value'], info.decimals)} {info.unit_zh}"))
        blocks += [html.H2(latest.title_zh), html.P(format_beijing(latest.instant)), html.Ul(items)]
    blocks += [html.H2("发布日程 · Upcoming releases"),
               html.Ul([html.Li(f"{format_beijing(r.instant)} — {r.title_zh} ({r.state})") for r in upcoming])]
    return html.Div(blocks, lang="zh")
