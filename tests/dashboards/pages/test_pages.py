"""Pages rendered through the real pages router (the callback the browser calls), in both
languages: what each page type shows, and the language kept in every link."""

from __future__ import annotations

import json
from dataclasses import replace

from statpub.dashboards.app import create_app
from statpub.dashboards.components.releases import release_status
from statpub.dashboards.i18n import LABELS, LANGS, format_instant, href
from statpub.kernel.clock import Clock
from statpub.warehouse.review_state import ReviewState
from tests.dashboards.dash_payloads import UPDATE, router_body
from tests.fixtures.site import EMBARGOED


def render(client, path: str, search: str = "") -> str:
    app = client.application.config["dash_app"]
    response = client.post(UPDATE, json=router_body(app, path, search))
    assert response.status_code == 200, (path, search)
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_every_label_exists_in_both_languages():
    for key, words in LABELS.items():
        assert set(words) == set(LANGS), key
        assert all(words.values()), key


def test_links_keep_the_language():
    assert href("/explorer", "en", series=["GDP", "RETAIL"]) == "/explorer?lang=en&series=GDP%2CRETAIL"
    assert href("/", "zh") == "/"


def test_index_sets_html_lang(after_client):
    assert '<html lang="zh-CN">' in after_client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in after_client.get("/explorer?lang=en").get_data(as_text=True)
    assert '<html lang="zh-CN">' in after_client.get("/?lang=<script>").get_data(as_text=True)


def test_home_shows_the_latest_release_and_what_comes_next(after_client, before_client):
    text = render(after_client, "/")
    assert "2025年全市地区生产总值最终核实结果" in text and "52,308.86" in text
    assert "2027年1月20日 10:00（北京时间）" in text  # the next release, with its exact instant
    english = render(after_client, "/", "?lang=en")
    assert "Latest release" in english and "20 January 2027, 10:00 Beijing time" in english
    assert '"href": "/?lang=zh"' not in english and '"href": "/"' in english  # the switch back to Chinese
    assert "52,308.86" not in render(before_client, "/")
    # Each topic links to its own page (its series, releases and questions answered).
    assert '"href": "/topic/national-accounts"' in text and '"href": "/topic/national-accounts?lang=en"' in english
    assert "/explorer?topic=" not in text


def test_release_page_has_interpretation_figures_revisions_and_downloads(after_client):
    text = render(after_client, f"/release/{EMBARGOED}", "?lang=en")
    assert "After final verification, the city's GDP in 2025 was 52,308.86 (100 million yuan)" in text
    assert "grew by 5.4%" in text  # |abs rendering
    assert f"/download/release/{EMBARGOED}.csv" in text
    assert "Previously" in text and "Final verification of the preliminary accounts" in text
    assert "Pre-release access" in text


def test_calendar_shows_states_and_notices_with_reasons(after_client):
    text = render(after_client, "/calendar", "?year=2026")
    assert "发布日程 · 2026" in text and "已发布" in text
    coming = render(after_client, "/calendar", "?year=2027")
    assert "已确定" in coming and "暂定" in coming
    assert "列入年度发布计划" in text
    rescheduled = render(after_client, "/calendar", "?year=2022&lang=en")
    assert "rescheduled" in rescheduled and "Previously scheduled" in rescheduled
    assert "Moved to 19 July to follow the national statistics release schedule." in rescheduled


def test_series_page_has_metadata_vintages_and_citation(after_client):
    text = render(after_client, "/series/GDP", "?lang=en")
    for words in ("Definition", "100 million yuan", "quarterly", "Yes (year to date)", "Vintages",
                  "Final verification of the city's 2025 GDP", "Citation", "https://stats.example.gov.cn/series/GDP"):
        assert words in text, words
    assert "No published series" in render(after_client, "/series/NOPE", "?lang=en")


def test_catalogue_lists_every_published_series_by_topic(after_client, gate_after):
    text = render(after_client, "/catalogue")
    for series in gate_after.series():
        assert f"/series/{series.code}" in text
    assert "国民经济核算" in text and "主动公开" in text


def test_explorer_page_from_a_shared_url(after_client):
    text = render(after_client, "/explorer", "?lang=en&series=GDP_PRIMARY&transform=share&chart=bar")
    assert '"type": "bar"' in text and "Share of total" in text
    assert "/download/view.csv?series=GDP_PRIMARY&transform=share&vintage=" in text


def test_delayed_when_the_instant_passed_but_the_gate_holds_it(gate_after):
    release = gate_after.calendar_entry(EMBARGOED)

    unapproved = replace(release, review=ReviewState())  # its instant passed, nobody approved it
    assert release_status(gate_after, unapproved) == "delayed"
    assert release_status(gate_after, release) == "published"
    assert release_status(gate_after, replace(release, state="postponed", instant=gate_after.now.replace(year=2027))) == "postponed"


def test_instants_are_beijing_time(embargoed_release):
    assert format_instant(embargoed_release.instant, "zh") == "2026年12月10日 10:00（北京时间）"
    assert format_instant(embargoed_release.instant, "en") == "10 December 2026, 10:00 Beijing time"


def test_a_fresh_worker_serves_bundles_to_concurrent_first_requests(make_client, embargoed_release):
    """Under gunicorn a browser fetches the page shell from one worker and its scripts, all at
    once, from another: a fresh app must answer all of them (Dash registers its bundles during
    its first-request set-up; requests racing that set-up used to get 500)."""
    import re
    import threading

    shell = make_client(embargoed_release.instant).get("/").get_data(as_text=True)
    bundles = re.findall(r'src="(/_dash-component-suites/[^"]+)"', shell)
    assert len(bundles) >= 5
    settings = make_client(embargoed_release.instant).application.extensions["statpub"].settings
    for _ in range(3):
        fresh = create_app(settings, Clock(start=embargoed_release.instant)).server
        statuses: list[int] = []
        start = threading.Barrier(len(bundles))

        def fetch(url, server=fresh, start=start, statuses=statuses):
            start.wait()
            statuses.append(server.test_client().get(url).status_code)

        threads = [threading.Thread(target=fetch, args=(url,)) for url in bundles]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [200] * len(bundles)


def test_home_trend_of_a_cumulative_series_shows_single_periods(after_client, gate_after):
    """GDP is published 1—N季度: its sparkline draws single quarters, not the year-to-date sawtooth,
    and says so; a rate keeps its published values."""
    from statpub.dashboards.pages.home import TREND_POINTS, trend_points

    info = {s.code: s for s in gate_after.series()}
    rows = gate_after.observations(["GDP"]).to_pylist()
    transform, points = trend_points(info["GDP"], rows)
    cumulative = {r["period"]: r["value"] for r in rows}
    assert transform == "single" and len(points) == TREND_POINTS
    for point in points:
        year, quarter = point.period.split("-Q")
        expected = cumulative[point.period] - (cumulative[f"{year}-Q{int(quarter) - 1}"] if quarter != "1" else 0)
        assert abs(point.value - expected) < 1e-6, point
    assert max(p.value for p in points) / min(p.value for p in points) < 1.5  # no fall back each January
    rate, _ = trend_points(info["GDP_GROWTH"], gate_after.observations(["GDP_GROWTH"]).to_pylist())
    assert rate == "lin"
    assert "走势：当期值（由累计值推算）" in render(after_client, "/")
    assert "Trend: Single period (derived from cumulative)" in render(after_client, "/", "?lang=en")
