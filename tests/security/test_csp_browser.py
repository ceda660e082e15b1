"""The Content-Security-Policy (scripts from this site or by hash: no 'unsafe-inline', no
'unsafe-eval') measured in a real Chromium: every kind of page renders, charts are drawn, client-side
callbacks run (the explorer's address follows the choices), and the browser reports no violation."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.press import private_site
from tests.helpers import start_server

NOW = "2026-12-10T10:00:05+08:00"
PAGES = {  # path: how many charts it draws at least
    "/": 1, "/explorer?series=GDP,RETAIL&chart=bar&transform=pc1": 1, "/release/2025-gdp-final-verification": 1,
    "/calendar": 0, "/series/GDP": 0, "/catalogue": 0, "/explorer?series=CPI&chart=line&lang=en": 1,
}


@pytest.mark.browser
def test_pages_render_under_the_policy_without_violations(tmp_path, demo_settings, browser):
    server = start_server(private_site(tmp_path, demo_settings), now=NOW)
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        for path, charts in PAGES.items():
            page.goto(server.url + path)
            page.locator("h1").first.wait_for()
            if charts:
                page.locator(".main-svg").first.wait_for(timeout=30000)
        page.goto(server.url + "/explorer?series=GDP")
        page.locator(".main-svg").first.wait_for(timeout=30000)
        page.locator("input[value='RETAIL']").check()  # a server callback, then the client-side URL sync
        page.wait_for_url(re.compile(r"RETAIL"), timeout=30000)  # (the policy forbids Playwright's own eval)
    finally:
        page.close()
        server.stop()
    assert problems == []
