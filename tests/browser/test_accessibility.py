"""axe-core (from npm) run in Chromium on every page type, in both languages where the layout
differs: no serious or critical violation. A screenshot of each page type is saved for review."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

PAGE_TYPES = [
    ("home", "/", "main h1"),
    ("explorer", "/explorer?series=GDP,RETAIL&transform=pc1", "#explorer-graph .main-svg"),
    ("release", "/release/2025-gdp-final-verification", "#interpretation"),
    ("release-en", "/release/2025-gdp-final-verification?lang=en", "#interpretation"),
    ("release-embargoed", "/release/2026-q4-economy", ".embargoed"),
    ("calendar", "/calendar?year=2022", "main table"),
    ("series", "/series/GDP?lang=en", ".citation"),
    ("catalogue", "/catalogue", "main table"),
    ("register", "/register", "#register-matters"),
    ("register-en", "/register?kind=survey&lang=en", "main table"),
    ("register-item", "/register/interpretation/2026-survey-management-measures-reading", "#register-interpretation"),
    ("register-survey", "/register/survey/tourism-sample-survey", "#register-item-detail table"),
    ("register-classification", "/register/classification/three-industries-2018?lang=en", "main table"),
    ("search", "/search?q=%E7%BB%9F%E8%AE%A1%E8%B0%83%E6%9F%A5%E9%A1%B9%E7%9B%AE", "#search-results"),
    ("search-en", "/search?q=gross%20domestic%20product&lang=en", "#search-results"),
    ("annual-report", "/report/annual/2025", "#annual-report table"),
]


@pytest.mark.parametrize(("name", "path", "ready"), PAGE_TYPES, ids=[p[0] for p in PAGE_TYPES])
def test_no_serious_violations(site, page, axe_source, artifacts, name, path, ready):
    page.goto(site.url + path)
    page.wait_for_selector(ready, timeout=30000)
    page.wait_for_timeout(300)  # let plotly finish drawing
    page.screenshot(path=artifacts / f"site-{name}.png", full_page=True)
    page.add_script_tag(content=axe_source)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    (artifacts / f"axe-{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)


def test_keyboard_reaches_the_content_with_visible_focus(site, page):
    page.goto(site.url + "/")
    page.wait_for_selector("main h1")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
