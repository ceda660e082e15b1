"""Link patrol: zero broken links on the running demo site; broken links of every kind found on a
small site made for the purpose; a Dash page that renders as not found counts as broken."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest
from flask import Flask, Response, jsonify
from werkzeug.serving import make_server

from statpub.review.linkpatrol import patrol
from tests.helpers import cli_env, free_port, run_cli


@pytest.mark.slow
def test_demo_site_has_no_broken_links(live_server):
    # The crawl is not a rate-limit test: the per-client API and download limits are lifted for it.
    server = live_server(now="2026-12-10T10:00:05+08:00", workers=2,
                         env={"STATPUB_API_RATE": "0", "STATPUB_DOWNLOAD_RATE": "0"})
    # Every page is rendered in Chromium, two at a time: a few minutes on a quiet machine, three
    # times that when other work shares the 2 cores; the limit only stops a crawl that hangs.
    # The whole site (5,374 URLs on 2026-12-02, 324 of them pages rendered): more than the default cap.
    result = run_cli("check-links", "--base", server.url, "--json", "--max-pages", "50000", timeout=1800)
    report = json.loads(result.stdout)
    assert result.returncode == 0, report["broken"]
    assert report["broken"] == []
    assert not [note for note in report["notes"] if note.startswith("stopped after")]
    assert report["visited"] >= 5000 and report["rendered"] >= 300


@pytest.mark.slow
def test_a_dash_page_that_renders_not_found_is_broken(live_server):
    server = live_server(now="2026-12-10T10:00:05+08:00")
    # An address that is no page is an HTTP 404 (with the page shell); one that is a page but
    # names nothing renders "not found" with 200, which only rendering it can tell.
    # In a process of its own: the test session's Playwright (browser tests) owns this process's
    # event loop, and Playwright's sync API refuses to start a second one beside it.
    code = ("import json, sys; from statpub.review.linkpatrol import patrol; "
            "seeds = ('/no-such-page', '/release/no-such-release'); "
            "r = patrol(sys.argv[1], seeds=seeds, probes=(), max_pages=len(seeds), "
            "not_found_texts=('发布日程中没有这项发布。',)); "
            "print(json.dumps([[b.url, b.problem] for b in r.broken]))")
    done = subprocess.run([sys.executable, "-c", code, server.url], env=cli_env(), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    broken = json.loads(done.stdout.strip().splitlines()[-1])
    assert sorted((url.removeprefix(server.url), problem) for url, problem in broken) == [
        ("/no-such-page", "HTTP 404"), ("/release/no-such-release", "page renders as not found")]


@pytest.fixture
def small_site():
    app = Flask("small")
    page = ('<html><body><a href="/ok">ok</a> <a href="/gone">gone</a> <a href="/data.json">data</a>'
            '<a href="/feed.atom">feed</a> <a href="/cal.ics">cal</a> <a href="https://example.org/x">out</a>'
            '<a href="/file.csv">csv</a> <a href="mailto:a@b.c">mail</a></body></html>')
    app.add_url_rule("/", "home", lambda: page)
    app.add_url_rule("/ok", "ok", lambda: "<html><a href='/#top'>home</a> <a href='/late-probe'>probe</a></html>")
    app.add_url_rule("/app", "app", lambda: '<html><div id="react-entry-point"></div></html>')
    asked: dict[str, int] = {}

    def busy(times: int):  # answers 429 `times` times, then the page
        def answer(name=f"busy{times}"):
            asked[name] = asked.get(name, 0) + 1
            if asked[name] <= times:
                return Response("slow down", status=429, headers={"Retry-After": "0"})
            return "<html>fine</html>"
        return answer

    app.add_url_rule("/busy", "busy", busy(2))
    app.add_url_rule("/always-busy", "always_busy", busy(10**6))
    app.add_url_rule("/file.csv", "csv", lambda: Response("a,b\n1,2\n", mimetype="text/csv"))
    app.add_url_rule("/data.json", "json", lambda: jsonify(
        {"links": {"self": "/data.json", "next": "/json-gone"}, "template": "/series/{code}",
         "note": "/not-a-link-field"}))
    app.add_url_rule("/feed.atom", "feed", lambda: Response(
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/atom-gone"/></entry></feed>',
        mimetype="application/atom+xml"))
    app.add_url_rule("/cal.ics", "ics", lambda: Response(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nURL:/ics-go\r\n ne\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        mimetype="text/calendar"))
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_broken_links_of_every_kind_are_reported(small_site):
    result = patrol(small_site, seeds=("/",), probes=("/probe-missing", "/late-probe"), render=False)
    broken = {b.url.removeprefix(small_site): (b.problem, [r.removeprefix(small_site) for r in b.referrers])
              for b in result.broken}
    assert broken == {
        "/gone": ("HTTP 404", ["/"]),
        "/late-probe": ("HTTP 404", ["/ok"]),  # a probe is broken once a page links to it, whenever found
        "/json-gone": ("HTTP 404", ["/data.json"]),
        "/atom-gone": ("HTTP 404", ["/feed.atom"]),
        "/ics-gone": ("HTTP 404", ["/cal.ics"]),
    }
    assert result.external == ["https://example.org/x"]
    assert any("probe-missing" in note for note in result.notes)
    assert result.visited == 12


@pytest.mark.parametrize("workers", [1, 4])
def test_any_number_of_workers_finds_the_same(small_site, workers):
    def found(result):
        return (sorted((b.url, b.problem, sorted(b.referrers)) for b in result.broken), result.external,
                sorted(result.notes), result.visited)

    alone = patrol(small_site, seeds=("/",), probes=("/probe-missing",), render=False, workers=1)
    assert found(patrol(small_site, seeds=("/",), probes=("/probe-missing",), render=False, workers=workers)) == \
        found(alone)


def test_a_site_that_rate_limits_the_crawler_is_waited_for_and_never_called_broken(small_site):
    result = patrol(small_site, seeds=("/busy", "/always-busy"), probes=(), render=False)
    assert result.broken == []  # /busy answered on its third try
    assert result.notes == ["/always-busy: rate-limited (HTTP 429 after every try), not checked"]


def test_a_crawl_that_cannot_render_fails_instead_of_hanging(small_site):
    """Chromium that will not start is the crawl's failure (raised where patrol was called), not a
    broken page, and the workers stop."""
    with pytest.raises(Exception, match="no-such-chromium"):
        patrol(small_site, seeds=("/app",), probes=(), chromium="/no-such-chromium", workers=2, timeout=10)
    assert not [t for t in threading.enumerate() if t.name.startswith("linkpatrol-")]
