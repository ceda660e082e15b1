"""An embedded chart in a real Chromium: a page served from another origin on 127.0.0.1 frames
/embed/explorer; the chart draws inside the frame with the office's attribution and a link back,
while framing any other page of the site is refused by the browser."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def other_origin() -> Iterator[callable]:
    """A second web server on 127.0.0.1 (another port: another origin) serving one page."""
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            body = pages.get(self.path, b"not found")
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(path: str, html: str) -> str:
        pages[path] = html.encode("utf-8")
        return f"http://127.0.0.1:{server.server_address[1]}{path}"

    yield serve
    server.shutdown()
    server.server_close()


def test_a_chart_embedded_by_another_site(site, page, other_origin, artifacts):
    embed = f"{site.url}/embed/explorer?series=GDP_GROWTH,GDP_PRIMARY_GROWTH&last_n=8&lang=en"
    outer = other_origin("/article.html", f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>A newspaper article</title></head><body><h1>Our city grew</h1>
<iframe id="chart" src="{embed}" width="800" height="480" style="border:0" title="GDP growth"></iframe>
<iframe id="blocked" src="{site.url}/explorer?series=GDP" width="400" height="200" title="not allowed"></iframe>
</body></html>""")
    page.errors_allowed = True
    page.goto(outer)
    frame = page.frame_locator("#chart")
    frame.locator("#chart .main-svg").first.wait_for(timeout=30000)
    assert frame.locator(".legendtext").count() == 2
    footer = frame.locator("footer").inner_text()
    assert "Statistics Bureau of the Example City" in footer and "CC BY 4.0" in footer
    link = frame.locator("footer a").first
    # back to the office's site at its base URL (office.yaml or STATPUB_BASE_URL), never the Host asked
    assert link.get_attribute("href").startswith("https://stats.example.gov.cn/explorer?series=GDP_GROWTH")
    assert link.get_attribute("target") == "_blank"
    page.screenshot(path=artifacts / "embed-other-origin.png", full_page=True)
    # The site's other pages refuse to be framed: the browser leaves that frame empty.
    blocked = page.frame(url=lambda url: "/explorer" in url and "/embed/" not in url)
    assert blocked is None or blocked.locator("main").count() == 0
    page.errors.clear()  # the refused frame is reported by the browser as an error: expected here
