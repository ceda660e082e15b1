"""The public site's pages for a signed-in press reader inside the window: the release shows with
the EMBARGOED banner, every view and download is logged (downloads with their sha256), nothing is
cached; after the instant the release page lists who had pre-release access."""

from __future__ import annotations

import hashlib
import json

import pytest

from statpub.dashboards.app import create_app
from statpub.features.press.pages import BANNER_CLASS
from statpub.features.press.service import access_log_for
from statpub.kernel.clock import Clock
from tests.dashboards.dash_payloads import router_body
from tests.fixtures.press import (
    PASSWORDS,
    PUBLISHED,
    TARGET,
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


def client_at(settings, when: str, user: str | None = None):
    app = create_app(settings, Clock(start=at(when)))
    client = app.server.test_client()
    client.dash_app = app
    if user:
        answer = sign_in(client, user, PASSWORDS[user])
        assert answer.status_code in (302, 303), answer.get_data(as_text=True)[:300]
    return client


def render(client, path: str) -> str:
    answer = client.post("/_dash-update-component", json=router_body(client.dash_app, path))
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_release_page_in_the_window_shows_the_release_with_banner_and_is_logged(site):
    gdp = target_gdp(site)
    public = client_at(site, "window")
    assert gdp not in render(public, f"/release/{TARGET}")
    alice = client_at(site, "window", "alice")
    body = render(alice, f"/release/{TARGET}")
    assert gdp in body and BANNER_CLASS in body
    assert BANNER_CLASS in render(alice, "/calendar")  # every page carries the mark
    entries = access_log_for(site).entries(TARGET)
    assert {(e.user_name, e.what) for e in entries} >= {("alice", "page")}


def test_prerelease_download_is_logged_with_its_sha256_and_never_cached(site):
    alice = client_at(site, "window", "alice")
    answer = alice.get(f"/download/release/{TARGET}.csv")
    assert answer.status_code == 200
    assert "EMBARGOED" in answer.headers["Content-Disposition"]
    assert "no-store" in answer.headers["Cache-Control"]
    logged = [e for e in access_log_for(site).entries(TARGET) if e.what == "download"]
    assert [e.sha256 for e in logged] == [hashlib.sha256(answer.get_data()).hexdigest()]
    assert client_at(site, "window").get(f"/download/release/{TARGET}.csv").status_code == 404


def test_release_page_lists_prerelease_access_after_the_instant(site):
    render(client_at(site, "window", "alice"), f"/release/{TARGET}")
    render(client_at(site, "window", "rita"), f"/release/{TARGET}")
    before = render(client_at(site, "before"), f"/release/{TARGET}")
    assert PUBLISHED["alice"][0] not in before
    after = json.dumps(json.loads(render(client_at(site, "after"), f"/release/{TARGET}")), ensure_ascii=False)
    assert "prerelease-access" in after
    for name in ("alice", "rita"):  # display name and organisation, never the login name
        assert all(part in after for part in PUBLISHED[name]) and f'"{name}' not in after
    assert f"{TARGET}.zip" in after
