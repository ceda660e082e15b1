"""Hostile HTTP against a live server (gunicorn): path traversal on every route that takes a name,
SQL-shaped values in every query parameter, malformed Dash callback bodies, oversized bodies and
wrong content types, and rate limiting that stops one client without slowing another.

Every answer must be a 4xx (or an ordinary 200 where the input is ordinary text), never a 500,
never a traceback, never a byte of a file outside the data folders."""

from __future__ import annotations

import json
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlencode

import pytest

from statpub.dashboards.app import create_app
from statpub.kernel.clock import Clock, parse_instant
from tests.dashboards.dash_payloads import (
    UPDATE,
    body_for,
    router_body,
    router_output,
    server_callbacks,
)
from tests.fixtures.press import PASSWORDS, add_accounts, private_site
from tests.fixtures.staff import form_token
from tests.helpers import start_server
from tests.ops.hostile import (
    FOREIGN_MARKERS,
    SAFE_FILE_NAME,
    TOO_LONG,
    TRAVERSALS,
    fill,
    named_routes,
    raw_request,
)

NOW = "2026-12-10T10:00:05+08:00"  # just after the demo release went public
RELEASE = "2025-gdp-final-verification"
SAMPLES = {"release_id": RELEASE, "fmt": "csv", "code": "GDP", "vintage_name": "latest", "name": "GDP.csv",
           "ext": "csv", "topic": "national-accounts", "filename": "site.css", "package_name": "dash",
           "fingerprinted_path": "dash-renderer/build/dash_renderer.min.js", "path": "explorer", "kind": "release",
           "ident": RELEASE, "number": "1", "resource": "dataflow", "agency": "all", "artefact": "all",
           "version": "latest", "flow": "all", "key": "all", "provider": "all", "token": "x",
           "item_id": "2026-budget", "file_name": "2026-budget.docx"}
PAGE_TEMPLATES = ("/release/{}", "/series/{}", "/prerelease/{}")  # Dash pages that take a name
SQL_VALUES = ("' OR '1'='1", "1; DROP TABLE observations; --", "GDP' UNION SELECT name, password_hash FROM users --",
              "\") OR 1=1 --", "0x27 OR 1=1", "$(id)")


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_settings):
    settings = private_site(tmp_path_factory.mktemp("hostile"), demo_settings)
    add_accounts(settings)
    return settings


@pytest.fixture(scope="module")
def server(site):
    live = start_server(site, now=NOW, workers=1, env={"STATPUB_API_RATE": "0", "STATPUB_DOWNLOAD_RATE": "0"})
    yield live
    live.stop()


@pytest.fixture(scope="module")
def app(site):
    """The same app in-process, for its routes and callbacks (what to attack)."""
    dash_app = create_app(site, Clock(start=parse_instant(NOW)))
    dash_app.server.test_client().get("/healthz")  # registers the pages router callback
    return dash_app


@pytest.fixture(scope="module")
def secret(tmp_path_factory):
    """A file outside every data folder, with a text no answer may ever contain."""
    path = tmp_path_factory.mktemp("outside") / "secret.txt"
    token = f"secret-{uuid.uuid4().hex}"
    path.write_text(token)
    return path, token


def assert_clean(answer, label: str, token: str = "") -> None:
    assert answer.status < 500, f"{label}: HTTP {answer.status}\n{answer.text[:500]}"
    assert "Traceback" not in answer.text and 'File "/' not in answer.text, label
    for marker in (*FOREIGN_MARKERS, *([token] if token else [])):
        assert marker not in answer.text, f"{label} shows {marker!r}"


def run_all(jobs, workers: int = 6):
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda job: (job, job()), jobs))


@pytest.mark.slow
def test_path_traversal_on_every_route_that_takes_a_name(server, app, secret):
    secret_path, token = secret
    names = [*TRAVERSALS, quote(str(secret_path), safe=""), str(secret_path).lstrip("/"),
             "../" * 12 + str(secret_path).lstrip("/")]
    routes = named_routes(app.server.url_map)
    assert len(routes) >= 15
    targets = []
    for rule, variables in routes:
        for variable in variables:
            for name in names:
                values = {**SAMPLES, variable: name}
                targets.append(fill(rule, values))
    targets += [template.format(name) for template in PAGE_TEMPLATES for name in names]
    targets += ["/" + name for name in names]
    jobs = [lambda path=path: raw_request(server.url, "GET", path) for path in targets]
    for job, answer in run_all(jobs):
        path = job.__defaults__[0]
        assert_clean(answer, path, token)
        # Staff routes ask who is asking before they look at a name: anonymous is refused there (403).
        allowed = (400, 403, 404) if path.startswith("/staff/") else (400, 404)
        assert answer.status in allowed, f"{path[:120]}: HTTP {answer.status}"
        if answer.headers.get("content-disposition"):
            raise AssertionError(f"{path[:120]} answered with a file")
    too_long = raw_request(server.url, "GET", f"/download/release/{TOO_LONG}.csv")
    assert too_long.status in (400, 404, 414)


@pytest.mark.slow
def test_download_names_are_set_by_the_server(server):
    good = [f"/download/release/{RELEASE}.{fmt}" for fmt in ("csv", "xlsx", "parquet")]
    good += ["/api/v1/files/latest/series/GDP.csv", f"/api/v1/files/{RELEASE}/values.parquet",
             "/api/v1/series/GDP/observations?format=csv"]
    for path in good:
        answer = raw_request(server.url, "GET", path)
        assert answer.status == 200, path
        disposition = answer.headers["content-disposition"]
        assert SAFE_FILE_NAME.match(disposition), disposition
    # Names from the query never reach the header: hostile ones are refused; a redirect names
    # the vintage the server chose.
    for series in ("../../etc/passwd", "GDP\r\nSet-Cookie: x=1", "GDP%0d%0aSet-Cookie:%20x=1", "GDP/../../x",
                   'GDP"; filename="evil.sh'):
        path = "/download/view.csv?" + urlencode({"series": series})
        answer = raw_request(server.url, "GET", path)
        assert_clean(answer, path)
        assert answer.status in (302, 400, 404), (series, answer.status)
        assert "set-cookie" not in answer.headers and "content-disposition" not in answer.headers
    redirect = raw_request(server.url, "GET", "/download/view.csv?series=GDP")
    assert redirect.status == 302 and "vintage=" in redirect.headers["location"]
    final = raw_request(server.url, "GET", redirect.headers["location"].removeprefix(server.url))
    assert final.status == 200 and SAFE_FILE_NAME.match(final.headers["content-disposition"])


@pytest.mark.slow
def test_sql_shaped_values_in_every_query_parameter_are_ordinary_bad_input(server, app):
    def count() -> tuple[int, int]:
        series = json.loads(raw_request(server.url, "GET", "/api/v1/series?limit=1").body)["total"]
        carried = json.loads(raw_request(server.url, "GET", f"/api/v1/releases/{RELEASE}").body)["observation_count"]
        return series, carried

    before = count()
    document = json.loads(raw_request(server.url, "GET", "/api/v1/openapi.json").body)
    jobs, asked = [], set()
    for path, item in document["paths"].items():
        concrete = fill(path.replace("{", "<").replace("}", ">"), {**SAMPLES, "vintage": "latest"})
        for param in item.get("get", {}).get("parameters", []):
            if param["in"] != "query":
                continue
            asked.add(param["name"])
            for value in SQL_VALUES:
                url = f"{concrete}?{urlencode({param['name']: value})}"
                jobs.append(lambda url=url, name=param["name"]: (name, raw_request(server.url, "GET", url)))
    assert {"q", "start", "end", "as_of", "units", "format", "vintage", "topic", "limit", "year"} <= asked
    for job, (name, answer) in run_all(jobs):
        label = job.__defaults__[0]
        assert_clean(answer, label)
        body = json.loads(answer.body)
        if name == "q":  # free text: searched for, found nowhere
            assert answer.status == 200 and body["total"] == 0, label
        else:
            assert answer.status == 400 and body["code"] == "bad_parameter" and body["parameter"] == name, label

    # The site's own parameters: pages (rendered by the router callback), downloads and feeds.
    site_params = ("lang", "year", "series", "transform", "start", "end", "topic", "chart", "vintage")
    pages = ("/", "/explorer", "/calendar", f"/release/{RELEASE}", "/series/GDP")
    jobs = []
    for page in pages:
        for param in site_params:
            for value in SQL_VALUES[:3]:
                body = json.dumps(router_body(app, page, "?" + urlencode({param: value}))).encode()
                jobs.append(lambda body=body, label=f"{page}?{param}={value}": raw_request(
                    server.url, "POST", UPDATE, body, {"Content-Type": "application/json"}))
    for base in ("/download/view.csv", "/calendar.ics", "/feed.atom"):
        for param in site_params:
            for value in SQL_VALUES[:3]:
                query = {"series": "GDP", param: value} if base.startswith("/download") else {param: value}
                url = f"{base}?{urlencode(query)}"
                jobs.append(lambda url=url: raw_request(server.url, "GET", url))
    for job, answer in run_all(jobs):
        label = job.__defaults__[-1]
        assert_clean(answer, label)
        assert answer.status in (200, 302, 400, 404), (label, answer.status)
    assert count() == before  # nothing was dropped or changed


def malformed_bodies(app) -> list[bytes]:
    good = router_body(app, "/")
    output = router_output(app)
    return [
        b"", b"not json", b"[]", b"null", b"123", b'"text"', b'{"output": 1}', b'{"output": "nope.children"}',
        json.dumps({"output": output}).encode(),
        json.dumps({**good, "inputs": "x"}).encode(),
        json.dumps({**good, "inputs": [1, 2]}).encode(),
        json.dumps({**good, "inputs": [{"id": "_pages_location", "property": "pathname", "value": ["/"]},
                                       {"id": "_pages_location", "property": "search", "value": {"a": 1}}]}).encode(),
        json.dumps({**good, "outputs": "x"}).encode(),
        json.dumps({**good, "state": [{}]}).encode(),
        json.dumps({**good, "changedPropIds": [1]}).encode(),
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b"\xff\xfe\x00garbage", "{\"output\": \"\ud800\"}".encode("utf-8", "surrogatepass"),
    ]


@pytest.mark.slow
def test_malformed_callbacks_oversized_bodies_and_wrong_content_types(server, app):
    jobs = []
    for i, body in enumerate(malformed_bodies(app)):
        for kind in ("application/json", "text/plain", "application/x-www-form-urlencoded", None):
            headers = {"Content-Type": kind} if kind else {}
            jobs.append(lambda body=body, headers=headers, label=f"body {i} as {kind}": raw_request(
                server.url, "POST", UPDATE, body, headers))
    # Client-side callbacks run in the browser: posting one is the client's error (400), not a 500.
    for output in (k for k, v in app.callback_map.items() if v.get("callback") is None):
        body = json.dumps(body_for(app, output, {})).encode()
        jobs.append(lambda body=body, label=f"body clientside {output}": raw_request(
            server.url, "POST", UPDATE, body, {"Content-Type": "application/json"}))
    # Inputs of every server callback, each replaced by values no control can produce.
    for output in server_callbacks(app):
        spec = app.callback_map[output]
        for dep in spec["inputs"] + spec["state"]:
            for value in (123, [], {}, [[["deep"]]], True, 1e308, ["GDP", {"x": 1}], "x" * 10_000):
                values = {(d["id"], d["property"]): None for d in spec["inputs"] + spec["state"]}
                values[(dep["id"], dep["property"])] = value
                body = json.dumps(body_for(app, output, values)).encode()
                jobs.append(lambda body=body, label=f"{output[:40]} {dep['id']}={str(value)[:20]}": raw_request(
                    server.url, "POST", UPDATE, body, {"Content-Type": "application/json"}))
    for job, answer in run_all(jobs):
        label = job.__defaults__[-1]
        assert_clean(answer, label)
        if label.startswith("body"):
            assert 400 <= answer.status < 500, (label, answer.status)

    oversized = json.dumps({**router_body(app, "/"), "pad": "x" * (4 << 20)}).encode()
    answer = raw_request(server.url, "POST", UPDATE, oversized, {"Content-Type": "application/json"})
    assert answer.status == 413 and "Traceback" not in answer.text
    big_form = b"name=alice&password=" + b"x" * (4 << 20)
    answer = raw_request(server.url, "POST", "/staff/login", big_form,
                         {"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 413
    cookie, token = login_form(server.url)
    for body, kind in ((b'{"name": "alice", "password": "x"}', "application/json"), (b"\x00\xff", "multipart/form-data; boundary=z"),
                       (b"name=alice&csrf_token=" + token.encode(), "text/plain")):
        answer = raw_request(server.url, "POST", "/staff/login", body, {"Content-Type": kind, "Cookie": cookie})
        assert_clean(answer, f"login as {kind}")
        assert answer.status in (400, 401, 403, 415), (kind, answer.status)
        assert "statpub_staff" not in answer.headers.get("set-cookie", "")
    for path in ("/api/v1/series", "/download/view.csv", f"/download/release/{RELEASE}.csv", "/feed.atom", "/healthz"):
        answer = raw_request(server.url, "POST", path, b"x", {"Content-Type": "text/plain"})
        assert answer.status == 405 and "GET" in answer.headers.get("allow", ""), path


def login_form(base: str) -> tuple[str, str]:
    """The staff sign-in form's pre-session cookie (as a Cookie header) and its token."""
    import requests

    session = requests.Session()
    token = form_token(session, "/staff/login", base)
    return f"statpub_csrf={session.cookies['statpub_csrf']}", token


def _pace(base: str, path: str, source: str, seconds: float, every: float,
          method: str = "GET", body: bytes | None = None, headers: dict | None = None) -> list:
    answers, until = [], time.monotonic() + seconds
    while time.monotonic() < until:
        answers.append(raw_request(base, method, path, body, headers, source=source))
        time.sleep(every)
    return answers


def _hammer(base: str, path: str, source: str, stop: threading.Event, out: list,
            method: str = "GET", body: bytes | None = None, headers: dict | None = None) -> None:
    while not stop.is_set():
        out.append(raw_request(base, method, path, body, headers, source=source))


def _hammered_while(base: str, hammer: dict, polite: dict, threads: int, seconds: float):
    """Run `threads` hammering clients (from 127.0.0.2) while a polite one (127.0.0.1) paces."""
    stop, hammered = threading.Event(), []
    workers = [threading.Thread(target=_hammer, args=(base, *hammer["args"], "127.0.0.2", stop, hammered),
                                kwargs=hammer.get("kwargs", {})) for _ in range(threads)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(0.3)
        polite_answers = _pace(base, polite["path"], "127.0.0.1", seconds, polite["every"], **polite.get("kwargs", {}))
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    return hammered, polite_answers


@pytest.mark.slow
def test_rate_limits_answer_429_without_slowing_other_clients(site):
    # 60 requests per 20 s: the polite client (about 45 in 4.5 s) stays under it, the hammering one cannot.
    live = start_server(site, now=NOW, workers=1, env={"STATPUB_API_RATE": "60/20"})
    try:
        api = "/api/v1/series/GDP/observations"
        alone = _pace(live.url, api, "127.0.0.1", 1.5, 0.1)
        hammered, polite = _hammered_while(live.url, {"args": (api,)}, {"path": api, "every": 0.1},
                                           threads=4, seconds=3.0)
        limited = [a for a in hammered if a.status == 429]
        assert len(limited) > len(hammered) // 2, "the hammering client was not limited"
        for answer in limited:
            assert int(answer.headers["retry-after"]) >= 1
            assert json.loads(answer.body)["code"] == "too_many_requests"
        assert all(a.status == 200 for a in alone + polite), [a.status for a in polite]
        normal, during = statistics.median(a.seconds for a in alone), statistics.median(a.seconds for a in polite)
        print(f"\nAPI: {len(hammered)} hammering requests ({len(limited)} limited); polite client median "
              f"{normal * 1000:.1f} ms alone, {during * 1000:.1f} ms while hammered")
        # Not a benchmark: a generous bound that only a limiter holding up other clients would break.
        assert during <= max(5 * normal, 0.25)

        cookie, token = login_form(live.url)  # an attacker fetches the form too: the token stops forgery, not guessing
        form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        good = urlencode({"name": "alice", "password": PASSWORDS["alice"], "csrf_token": token}).encode()
        wrong = urlencode({"name": "mallory", "password": "not-the-password", "csrf_token": token}).encode()
        alone = _pace(live.url, "/staff/login", "127.0.0.1", 1.0, 0.2, method="POST", body=good, headers=form)
        for _ in range(3):  # the hammering client's first failures (then it is refused before any hashing)
            raw_request(live.url, "POST", "/staff/login", wrong, form, source="127.0.0.2")
        hammered, polite = _hammered_while(
            live.url, {"args": ("/staff/login",), "kwargs": {"method": "POST", "body": wrong, "headers": form}},
            {"path": "/staff/login", "every": 0.2, "kwargs": {"method": "POST", "body": good, "headers": form}},
            threads=2, seconds=2.0)
        limited = [a for a in hammered if a.status == 429]
        assert limited and int(limited[-1].headers["retry-after"]) >= 1
        assert all(a.status in (401, 429) for a in hammered), sorted({a.status for a in hammered})
        assert all(a.status == 303 and "statpub_staff=" in a.headers.get("set-cookie", "") for a in alone + polite), [(a.status, a.text[-200:]) for a in alone + polite if a.status != 303]
        normal, during = statistics.median(a.seconds for a in alone), statistics.median(a.seconds for a in polite)
        print(f"login: {len(hammered)} hammering attempts ({len(limited)} refused with 429); polite sign-in "
              f"median {normal * 1000:.1f} ms alone, {during * 1000:.1f} ms while hammered")
        assert during <= max(5 * normal, 0.5)
    finally:
        live.stop()


@pytest.mark.slow
def test_forged_hosts_forms_without_tokens_and_client_side_callbacks(server, app):
    """Issue 13: a forged Host or X-Forwarded-Host is written into no answer on any GET route;
    a form posted without its token signs nobody in or out; a client-side callback is a 400."""
    routes = named_routes(app.server.url_map)
    paths = [fill(rule, SAMPLES) for rule, _variables in routes] + ["/", "/explorer", "/feed.atom", "/calendar.ics"]
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    jobs = [lambda path=path: raw_request(server.url, "GET", path, None, forged) for path in paths]
    for job, answer in run_all(jobs):
        path = job.__defaults__[0]
        assert_clean(answer, path)
        assert "evil.example" not in answer.text + json.dumps(answer.headers), path
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for path, body in (("/staff/login", f"name=alice&password={PASSWORDS['alice']}"), ("/staff/logout", "")):
        answer = raw_request(server.url, "POST", path, body.encode(), form)
        assert answer.status == 403 and "statpub_staff" not in answer.headers.get("set-cookie", ""), path
    clientside = [k for k, v in app.callback_map.items() if v.get("callback") is None]
    for output in clientside:
        answer = raw_request(server.url, "POST", UPDATE, json.dumps(body_for(app, output, {})).encode(),
                             {"Content-Type": "application/json"})
        assert answer.status == 400, output
