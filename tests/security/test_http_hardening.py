"""Findings 6 and 9 of the outside probe, and the headers a security reviewer expects, against
`statpub serve` on 127.0.0.1.

6. `Host: evil.example` appeared in Atom links, ICS URLs and the page's `twitter:url`, served
   `public, max-age=60`: absolute URLs now come from the configured base URL only.
9. POSTing a client-side callback (`explorer-url-sync.children`, `_pages_dummy.children`) gave 500
   with a traceback in the log: 400 now, for every client-side callback.
Also: a Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval' for scripts (the shell's
inline scripts by hash), HSTS over HTTPS, no versions in `_dash-config` or headers, and `/healthz`
saying only ok / not ok outside the office's network.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest

from statpub.dashboards.app import create_app
from statpub.dashboards.health import from_office_network, parse_networks
from statpub.kernel.clock import Clock, parse_instant
from tests.dashboards.dash_payloads import UPDATE, body_for
from tests.fixtures.press import private_site
from tests.helpers import start_server
from tests.ops.hostile import raw_request

NOW = "2026-12-10T10:00:05+08:00"
EVIL = "evil.example"
BASE = "https://stats.test.example"
HOST_PAGES = ("/", "/explorer", "/calendar", "/feed.atom", "/feed.atom?lang=en", "/calendar.ics",
              "/feed/national-accounts.atom", "/calendar/national-accounts.ics", "/release/2024-q3-economy",
              "/api/v1/series/GDP/citation?format=json", "/api/v1/releases?limit=2", "/sitemap.xml")


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_settings):
    return private_site(tmp_path_factory.mktemp("http-hardening"), demo_settings)


@pytest.fixture(scope="module")
def server(site):
    live = start_server(site, now=NOW, env={"STATPUB_BASE_URL": BASE, "STATPUB_API_RATE": "0"})
    yield live
    live.stop()


@pytest.fixture(scope="module")
def app(site):
    dash_app = create_app(site, Clock(start=parse_instant(NOW)))
    dash_app.server.test_client().get("/healthz")  # registers the pages router callback
    return dash_app


def test_no_host_header_is_reflected_anywhere(server):
    for path in HOST_PAGES:
        for headers in ({"Host": EVIL}, {"Host": EVIL, "X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https"}):
            answer = raw_request(server.url, "GET", path, None, headers)
            assert answer.status < 500, path
            assert EVIL not in answer.text and EVIL not in json.dumps(answer.headers), (path, answer.status)
    feed = raw_request(server.url, "GET", "/feed.atom", None, {"Host": EVIL}).text
    assert f'href="{BASE}/' in feed  # links there are absolute, from the base URL
    shell = raw_request(server.url, "GET", "/explorer", None, {"Host": EVIL}).text
    assert f'<link rel="canonical" href="{BASE}/explorer">' in shell and "twitter:url" not in shell


def test_client_side_callbacks_are_400_not_500(server, app):
    clientside = [k for k, v in app.callback_map.items() if v.get("callback") is None]
    assert {"explorer-url-sync.children", "_pages_dummy.children"} <= set(clientside)
    for output in clientside:
        body = json.dumps(body_for(app, output, {})).encode()
        answer = raw_request(server.url, "POST", UPDATE, body, {"Content-Type": "application/json"})
        assert answer.status == 400, (output, answer.status)
    assert "Traceback" not in server.log.read_text()


def _csp_hashes(policy: str) -> set[str]:
    return set(re.findall(r"'(sha256-[^']+)'", policy))


def test_scripts_run_only_from_this_site_or_by_hash(server):
    answer = raw_request(server.url, "GET", "/", None)
    policy = answer.headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", answer.text, re.S)
    run = [body for attributes, body in inline if "application/json" not in attributes]
    assert run, "the shell has inline scripts (Dash's renderer start and clientside callbacks)"
    for body in run:
        digest = "sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert digest in _csp_hashes(policy)
    for path in ("/feed.atom", "/api/v1/series", "/staff/login"):
        other = raw_request(server.url, "GET", path, None).headers["content-security-policy"]
        assert "'unsafe-inline'" not in re.search(r"script-src ([^;]*)", other).group(1) and not _csp_hashes(other)


def test_hsts_over_https_only_and_no_versions(site, server, monkeypatch):
    plain = raw_request(server.url, "GET", "/", None)
    assert "strict-transport-security" not in plain.headers
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>',
                                  plain.text, re.S).group(1))
    assert not {"dash_version", "python_version", "plotly_version"} & set(config)
    assert not re.search(r"\d+\.\d+\.\d+", json.dumps(config)), "a version number in _dash-config"
    assert "?v=" not in re.search(r'<link rel="icon"[^>]*>', plain.text).group(0)
    for path in ("/", "/api/v1/series", "/feed.atom", "/healthz", "/nowhere"):
        headers = raw_request(server.url, "GET", path, None).headers
        assert "server" not in headers or not re.search(r"\d", headers["server"]), headers.get("server")
        assert not any(re.search(r"\d+\.\d+", v) for k, v in headers.items() if k in ("server", "x-powered-by"))
    monkeypatch.setenv("STATPUB_TRUSTED_PROXIES", "1")
    client = create_app(site, Clock(start=parse_instant(NOW))).server.test_client()
    for path in ("/", "/api/v1/series", "/api/v1/series"):  # the second API answer comes from the memo
        secure = client.get(path, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
        assert secure.headers["Strict-Transport-Security"] == "max-age=31536000", path


def test_healthz_gives_details_to_the_office_network_only(site, server):
    inside = raw_request(server.url, "GET", "/healthz", None)
    assert inside.status == 200 and set(json.loads(inside.body)) >= {"status", "snapshot", "now", "next_instant"}
    outside = start_server(site, now=NOW, env={"STATPUB_HEALTH_NETWORKS": "10.20.0.0/16, 192.0.2.7"})
    try:
        answer = raw_request(outside.url, "GET", "/healthz", None)
        assert answer.status == 200 and json.loads(answer.body) == {"status": "ok"}
        assert answer.headers["cache-control"] == "no-store"
    finally:
        outside.stop()
    networks = parse_networks("10.20.0.0/16, 192.0.2.7, ::1")
    assert from_office_network("10.20.3.4", networks) and from_office_network("::1", networks)
    assert not from_office_network("10.21.0.1", networks) and not from_office_network("garbage", networks)


def test_healthz_says_not_ok_when_the_warehouse_is_gone(tmp_path, demo_settings):
    broken = private_site(tmp_path, demo_settings)
    client = create_app(broken, Clock(start=parse_instant(NOW))).server.test_client()
    assert client.get("/healthz").status_code == 200
    (broken.warehouse_dir / "current").unlink()
    for snapshot in broken.warehouse_dir.glob("statpub_v*.duckdb"):
        snapshot.unlink()
    answer = client.get("/healthz")
    assert answer.status_code == 503 and answer.get_json() == {"status": "not ok"}
