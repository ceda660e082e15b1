"""The public site in a real Chromium: home, language switch, the explorer (search, pick,
transform, range), a shared URL, a release page, downloads checked against the gate, and the
embargo flipping live at the instant. Screenshots of each page type go to tests/artifacts/."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlparse

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from statpub.dashboards.pages.explorer_model import ExplorerState, compute_view
from statpub.kernel.numbers import format_number

pytestmark = pytest.mark.browser
RELEASE = "2025-gdp-final-verification"


def open_page(page, url: str, ready: str = "main h1"):
    page.goto(url)
    page.wait_for_selector(ready, timeout=30000)
    return page


def test_home_and_language_switch(site, page, artifacts):
    open_page(page, site.url + "/")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.inner_text("main h1") == "示例市统计数据发布"
    assert "52,308.86" in page.inner_text(".cards")
    page.screenshot(path=artifacts / "site-home-zh.png", full_page=True)
    page.click("#lang-switch")
    page.wait_for_url(re.compile(r"lang=en"))
    page.wait_for_selector("text=Latest release")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.inner_text("main h1") == "Example City Statistics"
    page.screenshot(path=artifacts / "site-home-en.png", full_page=True)
    page.click("#lang-switch")
    page.wait_for_selector("text=最新发布")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"


def table_rows(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#explorer-table tbody tr", "rows => rows.map(r => [...r.children].map(c => c.innerText.trim()))")


def test_explorer_flow_and_shared_url(site, page, artifacts, gate_after):
    open_page(page, site.url + "/explorer?lang=en", "#explorer-graph .main-svg")
    # Search by English name and pick a second series.
    page.fill("#explorer-search", "retail")
    page.wait_for_function("document.querySelectorAll('#explorer-series input').length < 5")
    page.check("#series-RETAIL")
    page.wait_for_function("window.location.search.includes('RETAIL')")
    # Transform: year-on-year %, range from 2024-Q1.
    page.click("#explorer-transform input[value=pc1]")
    page.wait_for_function("window.location.search.includes('transform=pc1')")
    page.select_option("#explorer-start", "2024-Q1")
    page.wait_for_function("window.location.search.includes('start=2024-Q1')")
    query = parse_qs(urlparse(page.url).query)
    assert query["series"] == ["GDP,RETAIL"] and query["transform"] == ["pc1"] and query["lang"] == ["en"]
    view = compute_view(gate_after, ExplorerState(series=("GDP", "RETAIL"), transform="pc1", start="2024-Q1"))
    expected = [format_number(p.value, 1) for p in view.series[0].points]
    page.wait_for_function(f"document.querySelectorAll('#explorer-table tbody tr').length === {len(view.periods)}")
    shown = table_rows(page)
    assert [row[1].split()[0] for row in shown] == expected
    page.wait_for_function("document.querySelectorAll('#explorer-graph .trace').length === 2")
    page.screenshot(path=artifacts / "site-explorer.png", full_page=True)
    # The shared URL reproduces the view in a fresh page.
    shared = page.url
    other = page.context.new_page()
    open_page(other, shared, "#explorer-graph .main-svg")
    assert other.is_checked("#explorer-transform input[value=pc1]")
    assert table_rows(other) == shown
    # The language switch keeps the choices.
    other.click("#lang-switch")
    other.wait_for_selector("text=数据查询")
    assert "transform=pc1" in other.url and "lang=en" not in other.url
    assert [r[1].split()[0] for r in table_rows(other)] == expected


def test_search_by_chinese_name_and_code(site, page):
    open_page(page, site.url + "/explorer", "#explorer-graph .main-svg")
    page.fill("#explorer-search", "零售")
    page.wait_for_function("document.querySelectorAll('#explorer-series input').length === 3")
    assert page.locator("#series-RETAIL").count() == 1 and page.locator("#series-RETAIL_GROWTH").count() == 1
    page.fill("#explorer-search", "cpi")
    page.wait_for_function("document.querySelectorAll('#explorer-series input').length === 2")
    assert "居民消费价格指数" in page.inner_text("#explorer-series")
    assert page.is_checked("#series-GDP")  # a chosen series stays whatever the search


def test_release_page(site, page, artifacts):
    open_page(page, site.url + f"/release/{RELEASE}?lang=en", "#interpretation")
    text = page.inner_text("#interpretation")
    assert "52,308.86 (100 million yuan)" in text and "grew by 5.4%" in text
    assert page.locator("#key-figures table").count() == 1
    page.wait_for_selector("#release-chart .main-svg .trace", timeout=30000)
    page.screenshot(path=artifacts / "site-release-en.png", full_page=True)


def test_every_chart_draws_with_plotlys_basic_bundle(site, page):
    """Home sparklines, the explorer's line and bar charts and a release chart, all drawn by the
    basic bundle: Dash's full plotly.js is never fetched, and no script error."""
    from statpub.dashboards import plotlyjs

    scripts: list[str] = []
    page.on("request", lambda r: r.resource_type == "script" and scripts.append(r.url))
    open_page(page, site.url + "/", ".cards .main-svg .trace")
    for path, ready in (("/explorer?series=GDP,RETAIL&transform=pc1", "#explorer-graph .main-svg .trace"),
                        ("/explorer?series=GDP,RETAIL&transform=pc1&chart=bar", "#explorer-graph .main-svg .bars"),
                        (f"/release/{RELEASE}", "#release-chart .main-svg .trace")):
        open_page(page, site.url + path, ready)
    assert page.evaluate("window.Plotly.version") == plotlyjs.expected_version()
    assert any(plotlyjs.ROUTE_PREFIX in url for url in scripts)
    assert not [url for url in scripts if "plotly.min.js" in url]
    assert not page.errors


def download(page, selector: str):
    with page.expect_download() as info:
        page.click(selector)
    return info.value


def test_downloads_match_the_gate(site, page, gate_after):
    open_page(page, site.url + f"/release/{RELEASE}", "#downloads a")
    rows = gate_after.release_observations(RELEASE).to_pylist()
    csv_file = download(page, f"a[href='/download/release/{RELEASE}.csv']")
    assert csv_file.suggested_filename == f"{RELEASE}_v20261210T020000Z.csv"
    body = open(csv_file.path(), "rb").read()
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").splitlines()[1:]
    assert len(lines) == len(rows)
    parquet = pq.read_table(io.BytesIO(open(download(page, "a[href$='.parquet']").path(), "rb").read()))
    assert sorted(zip(parquet.column("series_code").to_pylist(), parquet.column("period").to_pylist(),
                      parquet.column("value").to_pylist(), strict=True)) == \
        sorted((r["series_code"], r["period"], r["value"]) for r in rows)
    # The explorer's download holds what is on screen.
    open_page(page, site.url + "/explorer?series=GDP_PRIMARY&transform=share&start=2025-Q1", "#explorer-downloads a")
    xlsx = download(page, "#explorer-downloads a[href*='view.xlsx']")
    view = compute_view(gate_after, ExplorerState(series=("GDP_PRIMARY",), transform="share", start="2025-Q1"))
    last = view.periods[-1]
    assert xlsx.suggested_filename == f"GDP_PRIMARY_share_2025-Q1_{last}_v20261210T020000Z.xlsx"
    sheet = load_workbook(open(xlsx.path(), "rb")).active
    got = {sheet.cell(row=r, column=4).value: sheet.cell(row=r, column=5).value
           for r in range(3, 3 + len(view.periods))}
    assert got == {p.period: pytest.approx(p.value) for p in view.series[0].points}
