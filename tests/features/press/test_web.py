"""The pre-release area's web layer: cookie attributes, throttled logins, logout, disabling an
account mid-session, no cache ever holding a pre-release answer, the HTML shell never carrying a
signed-in reader's figures, the access list after the instant, and the index in a real browser."""

from __future__ import annotations

import time

import pytest
import requests

from statpub.dashboards.app import create_app
from statpub.dashboards.services import current_gate, services
from statpub.features.press.pages import BANNER_CLASS, ID_KEY_FIGURES
from statpub.features.press.service import accounts_for
from statpub.features.press.web import COOKIE
from statpub.kernel.clock import Clock
from tests.features.press.test_matrix import render_page
from tests.fixtures.press import (
    LATER,
    PASSWORDS,
    TARGET,
    TIMES,
    add_accounts,
    at,
    private_site,
    target_gdp,
)
from tests.helpers import run_cli


@pytest.fixture
def site(tmp_path, demo_settings):
    settings = private_site(tmp_path, demo_settings)
    add_accounts(settings)
    return settings


def test_session_cookie_is_httponly_strict_and_logout_ends_it(site, live_server):
    server = live_server(now=TIMES["window"], settings=site)
    session = requests.Session()
    answer = session.post(f"{server.url}/prerelease/login", data={"name": "alice", "password": PASSWORDS["alice"]},
                          allow_redirects=False, timeout=30)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/prerelease")
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback; set when the request is HTTPS
    assert PASSWORDS["alice"] not in server.log.read_text()
    assert session.get(f"{server.url}/prerelease/{TARGET}/figures.json", timeout=30).status_code == 200
    foreign = session.post(f"{server.url}/prerelease/logout", headers={"Origin": "https://evil.example"},
                           allow_redirects=False, timeout=30)
    assert foreign.status_code == 403
    out = session.post(f"{server.url}/prerelease/logout", allow_redirects=False, timeout=30)
    assert out.status_code == 303
    assert session.get(f"{server.url}/prerelease/{TARGET}/figures.json", timeout=30).status_code == 404


def test_stolen_cookie_after_logout_and_forged_tokens_open_nothing(site, live_server):
    server = live_server(now=TIMES["window"], settings=site)
    session = requests.Session()
    session.post(f"{server.url}/prerelease/login", data={"name": "rita", "password": PASSWORDS["rita"]}, timeout=30)
    token = session.cookies[COOKIE]
    session.post(f"{server.url}/prerelease/logout", timeout=30)
    for forged in (token, token[:-1] + "A", "x" * 500, ""):
        answer = requests.get(f"{server.url}/packs/{TARGET}.zip", cookies={COOKIE: forged}, timeout=30)
        assert answer.status_code == 404


def test_failed_logins_are_slowed_then_answered_429(site, live_server):
    server = live_server(now=TIMES["window"], settings=site)
    url = f"{server.url}/prerelease/login"
    for _ in range(3):
        wrong = requests.post(url, data={"name": "alice", "password": "wrong-password!"}, timeout=30)
        assert wrong.status_code == 401 and "Wrong account name or password" in wrong.text
    refused = requests.post(url, data={"name": "alice", "password": PASSWORDS["alice"]}, allow_redirects=False,
                            timeout=30)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert COOKIE not in refused.headers.get("Set-Cookie", "")
    # another account from the same address is not held up by alice's failures
    other = requests.post(url, data={"name": "rita", "password": PASSWORDS["rita"]}, allow_redirects=False, timeout=30)
    assert other.status_code == 303
    time.sleep(int(refused.headers["Retry-After"]) + 0.2)
    again = requests.post(url, data={"name": "alice", "password": PASSWORDS["alice"]}, allow_redirects=False,
                          timeout=30)
    assert again.status_code == 303
    unknown = requests.post(url, data={"name": "mallory", "password": "guess-guess"}, timeout=30)
    assert unknown.status_code == 401 and "Wrong account name or password" in unknown.text


def test_disabling_an_account_ends_its_session_at_once(site, live_server):
    accounts_for(site).add("carl", "press", "carl-press-password", at("window"))
    server = live_server(now=TIMES["window"], settings=site, workers=2)
    session = requests.Session()
    session.post(f"{server.url}/prerelease/login", data={"name": "carl", "password": "carl-press-password"}, timeout=30)
    gdp = target_gdp(site)
    assert gdp in render_page(session, server.url, f"/prerelease/{TARGET}")
    result = run_cli("user", "disable", "carl", settings=site)
    assert result.returncode == 0, result.stderr
    for _ in range(4):  # whichever worker answers
        assert gdp not in render_page(session, server.url, f"/prerelease/{TARGET}")
        assert session.get(f"{server.url}/packs/{TARGET}.zip", timeout=30).status_code == 404


def test_nothing_said_to_a_signed_in_reader_is_cacheable(site, live_server):
    server = live_server(now=TIMES["window"], settings=site)
    session = requests.Session()
    session.post(f"{server.url}/prerelease/login", data={"name": "alice", "password": PASSWORDS["alice"]}, timeout=30)
    for path in ("/", f"/prerelease/{TARGET}", f"/prerelease/{TARGET}/figures.json", "/healthz"):
        answer = session.get(server.url + path, timeout=30)
        assert "no-store" in answer.headers["Cache-Control"], path
        assert "Cookie" in answer.headers.get("Vary", ""), path
    public = requests.get(server.url + "/", timeout=30)
    assert public.headers["Cache-Control"].startswith("public")


def test_html_shell_never_carries_a_first_readers_figures(site):
    """Dash renders every page once for the first request and embeds it in every later page; a
    signed-in reader coming first must not put embargoed figures there for everyone."""
    app = create_app(site, Clock(start=at("window")))
    client = app.server.test_client()
    client.post("/prerelease/login", data={"name": "alice", "password": PASSWORDS["alice"]})
    gdp = target_gdp(site)
    first = client.get(f"/prerelease/{TARGET}").get_data(as_text=True)
    assert gdp not in first
    client.delete_cookie(COOKIE)
    assert gdp not in client.get("/").get_data(as_text=True)


def test_access_list_is_published_after_the_instant_only(site):
    window = create_app(site, Clock(start=at("window"))).server.test_client()
    for name in ("alice", "rita"):
        window.post("/prerelease/login", data={"name": name, "password": PASSWORDS[name]})
        assert window.get(f"/prerelease/{TARGET}/figures.json").status_code == 200
    for when, expected in (("window", None), ("after", [("alice", "press"), ("rita", "reviewer")])):
        app = create_app(site, Clock(start=at(when)))
        with app.server.test_request_context("/"):
            holders = services().hooks.prerelease_access_list(gate=current_gate(), release_id=TARGET)
            assert holders == expected


@pytest.mark.browser
def test_prerelease_area_in_a_real_browser(site, live_server, browser, artifacts):
    server = live_server(now=TIMES["window"], settings=site)
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{server.url}/prerelease/login")
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
