"""The site as the review's link check sees it (`statpub.review.links.SiteLinks`): built in-process
for an instant, it says whether an internal path answers. Flask routes answer through a test
client; Dash pages, which the browser renders from one catch-all route, must match a registered
page path with well-formed variables."""

from __future__ import annotations

from datetime import datetime

from werkzeug.exceptions import HTTPException, NotFound

from statpub.dashboards.app import create_app
from statpub.dashboards.page_paths import is_page_path
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings


class SiteAt:
    def __init__(self, settings: Settings, at: datetime):
        self.app = create_app(settings, Clock(start=at))
        self.client = self.app.server.test_client()
        self.adapter = self.app.server.url_map.bind("localhost")
        prefix = self.app.config.routes_pathname_prefix
        self.dash_endpoints = {prefix, prefix + "<path:path>"}

    def check(self, path: str, query: str) -> tuple[str, str]:
        try:
            endpoint, _args = self.adapter.match(path, method="GET")
        except NotFound:
            return "error", "no such page on the site"
        except HTTPException as exc:  # e.g. a redirect rule
            return ("ok", "") if exc.code and exc.code < 400 else ("error", f"HTTP {exc.code}")
        if endpoint in self.dash_endpoints:
            return ("ok", "") if is_page_path(path) else ("error", "no Dash page has this path")
        status = self.client.get(path + (f"?{query}" if query else "")).status_code
        return ("ok", "") if status < 400 else ("error", f"HTTP {status}")


def site_links(settings: Settings, at: datetime) -> SiteAt:
    return SiteAt(settings, at)
