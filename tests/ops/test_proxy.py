"""Behind a reverse proxy (`STATPUB_TRUSTED_PROXIES=1`): clients are told apart by the address
the proxy forwards (so one client's rate limit is not everyone's), and a sign-in over HTTPS at
the proxy gets a Secure cookie. Without the setting, forwarded headers are not believed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from statpub.dashboards.app import create_app
from statpub.kernel.clock import Clock, parse_instant
from statpub.kernel.errors import StatpubError
from tests.fixtures.press import PASSWORDS, add_accounts, private_site
from tests.fixtures.staff import sign_in

NOW = parse_instant("2026-12-10T10:00:05+08:00")


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_settings):
    settings = private_site(tmp_path_factory.mktemp("proxy"), demo_settings)
    add_accounts(settings)
    return settings


def client_for(site, monkeypatch, proxies: str):
    monkeypatch.setenv("STATPUB_TRUSTED_PROXIES", proxies)
    monkeypatch.setenv("STATPUB_API_RATE", "3/60")
    return create_app(site, Clock(start=NOW + timedelta(seconds=1))).server.test_client()


def statuses(client, forwarded_for: str, count: int) -> list[int]:
    return [client.get("/api/v1/series/GDP", headers={"X-Forwarded-For": forwarded_for}).status_code
            for _ in range(count)]


def test_rate_limits_count_the_forwarded_client(site, monkeypatch):
    client = client_for(site, monkeypatch, "1")
    assert statuses(client, "203.0.113.5", 4) == [200, 200, 200, 429]
    assert statuses(client, "203.0.113.6", 1) == [200]  # another visitor behind the same proxy
    # Only the address the trusted proxy appended counts: a client cannot pick its own.
    assert statuses(client, "198.51.100.1, 203.0.113.5", 1) == [429]


def test_forwarded_headers_are_ignored_without_the_setting(site, monkeypatch):
    client = client_for(site, monkeypatch, "0")
    assert statuses(client, "203.0.113.5", 3) == [200, 200, 200]
    assert statuses(client, "203.0.113.6", 1) == [429]  # everyone is the one direct peer


def test_secure_cookie_over_https_at_the_proxy(site, monkeypatch):
    client = client_for(site, monkeypatch, "1")
    response = sign_in(client, "alice", PASSWORDS["alice"],
                       headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7",
                                "X-Forwarded-Host": "stats.example.org"})
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_a_bad_setting_stops_the_start(site, monkeypatch):
    monkeypatch.setenv("STATPUB_TRUSTED_PROXIES", "yes")
    with pytest.raises(StatpubError, match="STATPUB_TRUSTED_PROXIES"):
        create_app(site, Clock(start=NOW))
