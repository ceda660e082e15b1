"""The pre-release area's web layer: the HTML shell never carrying a signed-in reader's figures,
the access list after the instant (display names, never logins), and the area in a real browser.
Sign-in, sessions and throttling are the staff feature's (tests/features/staff)."""

from __future__ import annotations

import pytest

from statpub.dashboards.app import create_app
from statpub.dashboards.services import current_gate, services
from statpub.features.press.pages import BANNER_CLASS, ID_KEY_FIGURES
from statpub.features.staff.web import COOKIE
from statpub.kernel.clock import Clock
from tests.fixtures.press import (
    LATER,
    PASSWORDS,
    PUBLISHED,
    TARGET,
    TIMES,
    add_accounts,
    at,
    private_site,
    target_gdp,
)
from tests.fixtures.staff import sign_in


@pytest.fixture
def site(tmp_path, demo_settings):
    settings = private_site(tmp_path, demo_settings)
    add_accounts(settings)
    return settings




def test_html_shell_never_carries_a_first_readers_figures(site):
    """Dash renders every page once for the first request and embeds it in every later page; a
    signed-in reader coming first must not put embargoed figures there for everyone."""
    app = create_app(site, Clock(start=at("window")))
    client = app.server.test_client()
    sign_in(client, "alice", PASSWORDS["alice"])
    gdp = target_gdp(site)
    first = client.get(f"/prerelease/{TARGET}").get_data(as_text=True)
    assert gdp not in first
    client.delete_cookie(COOKIE)
    assert gdp not in client.get("/").get_data(as_text=True)


def test_access_list_is_published_after_the_instant_only(site):
    window = create_app(site, Clock(start=at("window"))).server
    for name in ("alice", "rita"):
        client = window.test_client()
        sign_in(client, name, PASSWORDS[name])
        assert client.get(f"/prerelease/{TARGET}/figures.json").status_code == 200
    published = [("{}（{}）".format(*PUBLISHED[name]), role) for name, role in (("alice", "press"), ("rita", "reviewer"))]
    for when, expected in (("window", None), ("after", published)):
        app = create_app(site, Clock(start=at(when)))
        with app.server.test_request_context("/"):
            holders = services().hooks.prerelease_access_list(gate=current_gate(), release_id=TARGET)
            assert holders == expected


@pytest.mark.browser
def test_prerelease_area_in_a_real_browser(site, live_server, browser, artifacts):
    server = live_server(now=TIMES["window"], settings=site)
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{server.url}/prerelease/login")  # the old address: the staff sign-in, back to the area
    page.fill("#name", "alice")
    page.fill("#password", PASSWORDS["alice"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/prerelease")
    banner = page.locator(f".{BANNER_CLASS}").first
    banner.wait_for()
    assert "EMBARGOED — NOT FOR PUBLICATION BEFORE 10 Dec 2026 10:00 Beijing time" in banner.inner_text()
    page.screenshot(path=str(artifacts / "press-prerelease-index.png"), full_page=True)
    page.click(f"a[href='/prerelease/{TARGET}']")
    page.locator(f"#{ID_KEY_FIGURES}").wait_for()
    assert target_gdp(site) in page.locator(f"#{ID_KEY_FIGURES}").inner_text()
    assert page.locator(f".{BANNER_CLASS}").count() == 2  # above and below
    page.screenshot(path=str(artifacts / "press-prerelease-release.png"), full_page=True)
    with page.expect_download() as download:
        page.click(f"a[href='/packs/{TARGET}.zip']")
    assert download.value.suggested_filename.startswith("EMBARGOED-until-2026-12-10-1000-Beijing_")
    page.goto(f"{server.url}/prerelease/{LATER}")  # a later release, not in its window yet
    page.locator("#prerelease-unavailable").wait_for()
    assert page.locator(f"#{ID_KEY_FIGURES}").count() == 0
    page.close()
