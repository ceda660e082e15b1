"""The staff area on a live server: sign-in for every role, cookie attributes, anti-forgery tokens,
logout, throttled logins, disabling an account mid-session, nothing said to a signed-in reader
cacheable, the former pre-release addresses redirecting here, and `next` kept on this site."""

from __future__ import annotations

import time

import pytest
import requests

from statpub.features.staff.service import accounts_for
from statpub.features.staff.web import COOKIE, DEVICE_COOKIE
from tests.features.press.test_matrix import render_page
from tests.fixtures.press import (
    PASSWORDS,
    TARGET,
    TIMES,
    add_accounts,
    at,
    private_site,
    target_gdp,
)
from tests.fixtures.staff import LOGIN, form_token, sign_in, sign_out
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_settings):
    settings = private_site(tmp_path_factory.mktemp("staff-web"), demo_settings)
    add_accounts(settings)
    accounts_for(settings).add("rui", "responder", "rui-responder-password", at("window"),
                               display_name="芮答 Rui Da", organisation="示例市统计局")
    return settings


@pytest.fixture(scope="module")
def server(site, demo_settings):
    from tests.helpers import start_server

    live = start_server(site, now=TIMES["window"], workers=2)
    yield live
    live.stop()


def test_session_cookie_is_httponly_strict_and_logout_needs_its_token(server):
    session = requests.Session()
    answer = sign_in(session, "alice", PASSWORDS["alice"], base=server.url, next_path="/prerelease")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/prerelease")
    cookies = {c.split("=", 1)[0]: c for c in answer.raw.headers.getlist("Set-Cookie")}
    for name in (COOKIE, DEVICE_COOKIE):
        assert "HttpOnly" in cookies[name] and "SameSite=Strict" in cookies[name]
        assert "Secure" not in cookies[name]  # plain HTTP on loopback; set when the request is HTTPS
    assert "Path=/staff" in cookies[DEVICE_COOKIE]
    assert PASSWORDS["alice"] not in server.log.read_text()
    assert session.get(f"{server.url}/prerelease/{TARGET}/figures.json", timeout=30).status_code == 200
    foreign = sign_out(session, base=server.url, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    tokenless = session.post(f"{server.url}/staff/logout", allow_redirects=False, timeout=30)
    assert tokenless.status_code == 403  # a cross-site form cannot know the token
    assert sign_out(session, base=server.url).status_code == 303
    assert session.get(f"{server.url}/prerelease/{TARGET}/figures.json", timeout=30).status_code == 404


def test_login_form_needs_its_own_token(server):
    """Login CSRF: a form posted from elsewhere (no token, or a token made for another browser)
    signs nobody in, even with the right password."""
    url = f"{server.url}{LOGIN}"
    bare = requests.post(url, data={"name": "alice", "password": PASSWORDS["alice"]}, allow_redirects=False, timeout=30)
    assert bare.status_code == 403 and COOKIE not in bare.headers.get("Set-Cookie", "")
    attacker = requests.Session()
    stolen = form_token(attacker, LOGIN, server.url)
    victim = requests.Session()
    victim.get(url, timeout=30)  # the victim's own pre-session cookie
    planted = victim.post(url, data={"name": "alice", "password": PASSWORDS["alice"], "csrf_token": stolen},
                          allow_redirects=False, timeout=30)
    assert planted.status_code == 403 and COOKIE not in victim.cookies


def test_stolen_cookie_after_logout_and_forged_tokens_open_nothing(server):
    session = requests.Session()
    sign_in(session, "rita", PASSWORDS["rita"], base=server.url)
    token = session.cookies[COOKIE]
    sign_out(session, base=server.url)
    for forged in (token, token[:-1] + "A", "x" * 500, ""):
        answer = requests.get(f"{server.url}/packs/{TARGET}.zip", cookies={COOKIE: forged}, timeout=30)
        assert answer.status_code == 404


def test_every_role_signs_in_at_one_place_and_gets_only_its_rights(server):
    session = requests.Session()
    assert sign_in(session, "rui", "rui-responder-password", base=server.url).status_code == 303
    home = session.get(f"{server.url}/staff", timeout=30)
    assert home.status_code == 200 and "芮答 Rui Da" in home.text and "留言答复" in home.text
    assert "/prerelease" not in home.text  # the pre-release area is not a responder's
    assert session.get(f"{server.url}/prerelease/{TARGET}/figures.json", timeout=30).status_code == 404
    press = requests.Session()
    sign_in(press, "alice", PASSWORDS["alice"], base=server.url)
    assert 'href="/prerelease"' in press.get(f"{server.url}/staff", timeout=30).text


def test_old_addresses_redirect_and_next_stays_on_this_site(server):
    old = requests.get(f"{server.url}/prerelease/login", allow_redirects=False, timeout=30)
    assert old.status_code == 303 and old.headers["Location"].endswith("/staff/login?next=%2Fprerelease")
    assert requests.get(f"{server.url}/staff", allow_redirects=False, timeout=30).status_code == 303
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        session = requests.Session()
        answer = sign_in(session, "alice", PASSWORDS["alice"], base=server.url, next_path=target)
        assert answer.status_code == 303 and answer.headers["Location"] in ("/staff", f"{server.url}/staff"), target


def test_failed_logins_are_slowed_then_answered_429(site, live_server):
    server = live_server(now=TIMES["window"], settings=site)
    accounts_for(site).add("erin", "press", "erin-press-password", at("window"), display_name="Erin",
                           organisation="Example Radio")
    erin = requests.Session()
    token = form_token(erin, LOGIN, server.url)  # one form, posted again and again (no time lost between)

    def attempt(password: str) -> requests.Response:
        return erin.post(f"{server.url}{LOGIN}", data={"name": "erin", "password": password, "csrf_token": token},
                         allow_redirects=False, timeout=30)

    for _ in range(3):
        wrong = attempt("wrong-password!")
        assert wrong.status_code == 401 and "Wrong account name or password" in wrong.text
    refused = attempt("erin-press-password")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert COOKIE not in refused.headers.get("Set-Cookie", "")
    # another account from the same address is not held up by erin's failures
    assert sign_in(requests.Session(), "rita", PASSWORDS["rita"], base=server.url).status_code == 303
    time.sleep(int(refused.headers["Retry-After"]) + 0.2)
    assert attempt("erin-press-password").status_code == 303
    unknown = sign_in(requests.Session(), "mallory", "guess-guess", base=server.url)
    assert unknown.status_code == 401 and "Wrong account name or password" in unknown.text


def test_disabling_an_account_ends_its_session_at_once(site, server):
    accounts_for(site).add("carl", "press", "carl-press-password", at("window"), display_name="Carl",
                           organisation="Example Wire")
    session = requests.Session()
    sign_in(session, "carl", "carl-press-password", base=server.url)
    gdp = target_gdp(site)
    assert gdp in render_page(session, server.url, f"/prerelease/{TARGET}")
    result = run_cli("user", "disable", "carl", settings=site)
    assert result.returncode == 0, result.stderr
    for _ in range(4):  # whichever worker answers
        assert gdp not in render_page(session, server.url, f"/prerelease/{TARGET}")
        assert session.get(f"{server.url}/packs/{TARGET}.zip", timeout=30).status_code == 404


def test_nothing_said_to_a_signed_in_reader_is_cacheable(server):
    session = requests.Session()
    sign_in(session, "alice", PASSWORDS["alice"], base=server.url)
    for path in ("/", "/staff", f"/prerelease/{TARGET}", f"/prerelease/{TARGET}/figures.json", "/healthz"):
        answer = session.get(server.url + path, timeout=30)
        assert "no-store" in answer.headers["Cache-Control"], path
        assert "Cookie" in answer.headers.get("Vary", ""), path
    public = requests.get(server.url + "/", timeout=30)
    assert public.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in public.headers  # a cached public page carries no per-user cookie or token
    assert 'name="csrf_token"' not in public.text
