"""The Dash app factory. Nothing is read at import: `create_app()` wires settings, clock and the
warehouse reader into the Flask server, registers the pages and the HTTP routes; every layout and
callback asks the gate for the current request's reader at the clock's instant."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import dash
from flask import Flask

from statpub.dashboards import (
    callback_guard,
    catalog,
    csrf,
    downloads,
    feeds,
    health,
    http,
    office_site,
    page_paths,
    pagememo,
    plotlyjs,
    takeaway,
)
from statpub.dashboards import services as request_services
from statpub.dashboards.api import register_api
from statpub.dashboards.components import charts
from statpub.dashboards.hooks import plugin_manager
from statpub.dashboards.pages import (
    calendar,
    catalogue,
    explorer,
    home,
    not_found,
    release,
    series,
    topic,
)
from statpub.dashboards.services import Services
from statpub.dashboards.shell_page import StatpubDash
from statpub.kernel.clock import Clock, clock_from_env
from statpub.kernel.config import Settings, resolve_settings
from statpub.warehouse.reader import WarehouseReader

# Page modules, each with `register(app)`; their order is the order of the navigation.
PAGES = (home, explorer, release, calendar, series, catalogue, topic, not_found)


# HTTP routes on the Flask server, each a `register(server)`. Other features add theirs here
# (the researchers' API, feeds, briefing packs): one line each.
def register_feeds(server: Flask) -> None:
    server.register_blueprint(feeds.blueprint)  # /calendar.ics, /feed.atom and per topic


ROUTES: list[Callable[[Flask], None]] = [health.register, downloads.register, register_api, register_feeds,
                                          plotlyjs.register, office_site.register, catalog.register,
                                          takeaway.register]


def register_routes(server: Flask) -> None:
    for register in ROUTES:
        register(server)


def create_app(settings: Settings | None = None, clock: Clock | None = None,
               plugins: list[object] | None = None, *, follow_store: bool = True) -> dash.Dash:
    """The site. `plugins`: the features to plug in (default: every installed one, found through
    the `statpub.features` entry points). `follow_store=False`: do not follow the object store's
    snapshots (an app built in another process only to fetch files through the gate)."""
    settings = settings or resolve_settings()
    # Pages are registered here, not at import, so a test can build several apps in one process.
    # The title and meta tags are the office's, set per request (StatpubDash.interpolate_index).
    app = StatpubDash(__name__, title="statpub", update_title=None, include_pages_meta=False,
                      use_pages=True, pages_folder="", suppress_callback_exceptions=True,
                      use_async=False, external_scripts=plotlyjs.external_scripts())
    server = app.server
    server.config[health.FOLLOW_STORE] = follow_store
    features = plugin_manager(plugins)
    request_services.install(server, Services(settings, clock or clock_from_env(),
                                              WarehouseReader(settings.warehouse_dir), features))
    http.install(server)
    csrf.install(server)
    page_paths.install(server)
    for module in PAGES:
        module.register(app)
    features.hook.install_site(app=app)  # e.g. the pre-release area: login, pages, pack download
    app.layout = dash.html.Div([dash.page_container])
    register_routes(server)
    pagememo.install(app)  # public pages rendered once per public state
    callback_guard.install(app)
    http.trust_proxies(server)  # outermost: X-Forwarded-* from the proxies in front, if any
    warm_up(app)
    return app


def warm_up(app: dash.Dash) -> None:
    """Pay the one-off costs at start, not on the first request after a release instant: plotly's
    validators, and pandas (which DuckDB and pyarrow import lazily on first use, ~1 s).

    Also render the page shell once: Dash registers the JavaScript bundles it may serve only
    while rendering it, so a worker whose first request is a bundle (the browser fetched the
    shell from another worker) would answer 500."""
    importlib.import_module("pandas")
    charts.warm_up()
    app.server.test_client().get("/")
