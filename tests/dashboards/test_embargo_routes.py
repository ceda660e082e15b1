"""The embargo, proven route by route: every Flask route and every Dash callback (replayed by
POSTing hand-built bodies to /_dash-update-component) answers without any figure or text of a
release before its instant, and with them after it."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from statpub.dashboards import plotlyjs
from tests.dashboards.dash_payloads import (
    UPDATE,
    body_for,
    router_body,
    router_output,
    server_callbacks,
)
from tests.dashboards.embargo_marks import embargo_marks
from tests.fixtures.site import EMBARGOED

# Routes that serve files shipped with packages (JavaScript, CSS, the favicon): no data at all.
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/_favicon.ico", "/static/", plotlyjs.ROUTE_PREFIX)
SAMPLE_VALUES = {"release_id": EMBARGOED, "fmt": "csv", "code": "GDP", "kind": "release", "ident": EMBARGOED,
                 "topic": "national-accounts"}
PAGES = ["/", "/explorer", f"/release/{EMBARGOED}", "/calendar", "/calendar?year=2026", "/catalogue",
         "/series/GDP", "/series/GDP_PRIMARY", "/topic/national-accounts", "/nowhere"]
# The message board's pages that take a subject: the embargoed release is no subject before its instant.
BOARD_QUERIES = [f"/messages/new?about=release:{EMBARGOED}", f"/messages?about=release:{EMBARGOED}",
                 f"/faq/release/{EMBARGOED}", "/messages?q=GDP", "/messages/statistics"]
SINCE = "2026-12-01T00:00:00%2B08:00"
# Issue 18's routes and formats, asked with values that show figures (route_samples fills path
# variables with placeholders only): SDMX, DCAT, changes, ZIPs, pictures, embeds, page shells.
TAKE_AWAY = [
    *(f"/catalog.{ext}" for ext in ("ttl", "jsonld", "rdf")),
    "/api/v1/sdmx/", "/api/v1/sdmx/structure", "/api/v1/sdmx/dataflow/all/OBSERVATIONS/latest?references=all",
    "/api/v1/sdmx/codelist/all/CL_INDICATOR/latest", "/api/v1/sdmx/data/OBSERVATIONS/all?format=sdmx-csv",
    "/api/v1/sdmx/data/OBSERVATIONS/Q.GDP+GDP_PRIMARY.LIN", "/api/v1/sdmx/data/OBSERVATIONS/..PC1?format=sdmx-csv",
    f"/api/v1/changes?since={SINCE}", f"/api/v1/changes.atom?since={SINCE}", "/api/v1/changes.atom?lang=en",
    *(f"/api/v1/series/{code}/observations?format={fmt}&last_n=4" for code in ("GDP", "GDP_PRIMARY")
      for fmt in ("sdmx-csv", "sdmx-ml", "zip", "json")),
    *(f"/api/v1/releases/{EMBARGOED}/observations?format={fmt}" for fmt in ("sdmx-csv", "sdmx-ml", "zip")),
    *(f"/api/v1/files/latest/{name}" for name in ("values.sdmx.csv", "values.sdmx.xml", "history.sdmx.csv",
                                                  "series/GDP.sdmx.csv", "series/GDP.sdmx.xml", "series/GDP.zip",
                                                  f"releases/{EMBARGOED}.sdmx.csv", f"releases/{EMBARGOED}.zip")),
    *(f"/api/v1/files/{EMBARGOED}/{name}" for name in ("values.sdmx.csv", "history.sdmx.csv",
                                                       f"releases/{EMBARGOED}.sdmx.xml")),
    "/download/view.zip?series=GDP,GDP_PRIMARY&vintage=20261210T020000Z", f"/download/release/{EMBARGOED}.zip",
    "/download/chart.svg?series=GDP,GDP_PRIMARY&vintage=20261210T020000Z",
    "/embed/explorer?series=GDP,GDP_PRIMARY,GDP_SECONDARY,GDP_TERTIARY", "/embed/explorer?series=GDP&last_n=4&lang=en",
    f"/release/{EMBARGOED}", "/series/GDP", "/series/GDP_PRIMARY", "/series/GDP?lang=en",
]
EXPLORER_QUERIES = [
    "?series=GDP,GDP_PRIMARY,GDP_SECONDARY,GDP_TERTIARY,GDP_GROWTH",
    "?series=GDP,GDP_PRIMARY&transform=pc1",
    "?series=GDP_PRIMARY,GDP_TERTIARY&transform=share",
    "?series=GDP&transform=single&start=2025-Q1&end=2025-Q4",
]


@pytest.fixture(scope="module")
def marks(gate_after, gate_before):
    found = embargo_marks(gate_after, gate_before, EMBARGOED)
    assert len(found) >= 6
    return found


def leaks(text: str, marks: list[str]) -> list[str]:
    return [m for m in marks if m in text]


def route_samples(client) -> list[str]:
    """Every GET route of the server, its variables filled with the embargoed release's values."""
    urls = []
    for rule in client.application.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.rule.startswith(STATIC_PREFIXES):
            continue
        values = {}
        for arg in rule.arguments:
            values[arg] = SAMPLE_VALUES.get(arg, "GDP")
        path = rule.rule
        for arg, value in values.items():
            path = re.sub(rf"<(?:[^:<>]+:)?{arg}>", value, path)
        urls.append(path)
    return sorted(set(urls))


def every_request(client) -> list[tuple[str, str, object]]:
    """(label, method, body-or-None) for every route and callback worth asking."""
    app = client.application.config["dash_app"]
    requests = [(url, "GET", None) for url in route_samples(client)]
    requests += [(f"/download/view.{fmt}?series=GDP,GDP_PRIMARY&vintage=20261210T020000Z", "GET", None)
                 for fmt in ("csv", "xlsx", "parquet")]
    requests += [("/download/view.csv?series=GDP,GDP_PRIMARY", "GET", None)]
    requests += [(url, "GET", None) for url in TAKE_AWAY]
    requests += [(url, "GET", None) for url in BOARD_QUERIES]
    for page in PAGES + [f"/explorer{q}" for q in EXPLORER_QUERIES] + [p + "?lang=en" for p in PAGES[:3]]:
        path, _, query = page.partition("?")
        requests.append((f"router {page}", "POST", router_body(app, path, "?" + query if query else "")))
    for output in server_callbacks(app):
        if output == router_output(app):
            continue
        for lang in ("zh", "en"):
            for transform in ("lin", "pc1", "share", "single"):
                values = {("explorer-series", "value"): ["GDP", "GDP_PRIMARY", "GDP_TERTIARY", "GDP_GROWTH"],
                          ("explorer-transform", "value"): transform, ("explorer-chart", "value"): "bar",
                          ("explorer-topic", "value"): "national-accounts", ("explorer-lang", "data"): lang,
                          ("explorer-search", "value"): "GDP",
                          ("explorer-start", "value"): "2024-Q1", ("explorer-end", "value"): None}
                requests.append((f"callback {output[:40]} {lang} {transform}", "POST", body_for(app, output, values)))
    return requests


def opened(content: bytes) -> str:
    """What a reader gets out of a file (ZIP members unpacked, Parquet read): see tests/ops/sweep.py."""
    from tests.ops.sweep import as_text

    return as_text(content) if content.startswith((b"PK\x03\x04", b"PAR1")) else ""


def ask(client, method: str, label: str, body: object):
    if method == "GET":
        return client.get(label)
    return client.post(UPDATE, json=body)


def test_every_route_and_callback_is_enumerated(before_client):
    app = before_client.application.config["dash_app"]
    urls = route_samples(before_client)
    assert f"/release/{EMBARGOED}" not in urls  # pages are Dash routes, covered by the router callback
    assert f"/download/release/{EMBARGOED}.csv" in urls and "/healthz" in urls
    outputs = server_callbacks(app)
    assert router_output(app) in outputs and len(outputs) >= 3


def test_nothing_embargoed_before_the_instant(before_client, marks):
    checked = 0
    for label, method, body in every_request(before_client):
        response = ask(before_client, method, label, body)
        assert response.status_code < 500, label
        text = response.get_data().decode("utf-8", "replace")
        if response.mimetype in ("application/json",):
            text = json.dumps(response.get_json(), ensure_ascii=False)
        text += "\n" + opened(response.get_data())
        assert not leaks(text, marks), f"{label} leaks {leaks(text, marks)} before the instant"
        if response.status_code == 200 and EMBARGOED in label and "/download/view" not in label \
                and response.mimetype.startswith(("application/vnd", "text/csv", "application/zip")):
            raise AssertionError(f"{label} served a file of an embargoed release")
        checked += 1
    assert checked > 40


def test_release_download_and_page_before_the_instant(before_client):
    assert before_client.get(f"/download/release/{EMBARGOED}.csv").status_code == 404
    app = before_client.application.config["dash_app"]
    page = before_client.post(UPDATE, json=router_body(app, f"/release/{EMBARGOED}")).get_json()
    text = str(page)
    assert "2025年全市地区生产总值最终核实结果" in text  # the calendar entry: title and instant
    assert "2026年12月10日 10:00" in text
    for section in ("interpretation", "key-figures", "charts", "downloads", "revisions"):
        assert f"'id': '{section}'" not in text


def test_everything_there_after_the_instant(after_client, marks):
    app = after_client.application.config["dash_app"]
    pages = "".join(json.dumps(after_client.post(UPDATE, json=router_body(app, f"/release/{EMBARGOED}", q)).get_json(),
                               ensure_ascii=False) for q in ("", "?lang=en"))
    download = after_client.get(f"/download/release/{EMBARGOED}.csv")
    assert download.status_code == 200
    csv_text = download.get_data(as_text=True)
    for mark in marks:
        raw_number = re.fullmatch(r"-?\d+(\.\d+)?(e[-+]?\d+)?", mark)
        assert mark in (csv_text if raw_number else pages), mark
    for section in ("interpretation", "key-figures", "charts", "downloads", "revisions", "prerelease-access"):
        assert f'"id": "{section}"' in pages


def test_cache_lifetime_is_bounded_by_the_instant(make_client, embargoed_release):
    client = make_client(embargoed_release.instant - timedelta(seconds=5))
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"
    for path in ("/", "/explorer", "/_dash-layout"):
        header = client.get(path).headers["Cache-Control"]
        age = int(re.search(r"max-age=(\d+)", header).group(1))
        assert age <= 5, (path, header)


def test_the_same_enumeration_sees_the_release_after_the_instant(after_client, marks):
    """The check above is not vacuous: the same requests a second after the instant show it."""
    seen = set()
    for label, method, body in every_request(after_client):
        response = ask(after_client, method, label, body)
        assert response.status_code < 500, label
        text = response.get_data().decode("utf-8", "replace")
        if response.mimetype == "application/json":
            text = json.dumps(response.get_json(), ensure_ascii=False)
        seen |= set(leaks(text + "\n" + opened(response.get_data()), marks))
    assert len(seen) >= len(marks) // 2


def test_the_new_routes_show_the_release_after_the_instant(after_client, marks):
    """Issue 18's routes are not vacuously clean: after the instant they carry the release."""
    shown = {}
    for url in TAKE_AWAY:
        response = after_client.get(url)
        assert response.status_code < 500, url
        text = response.get_data().decode("utf-8", "replace") + "\n" + opened(response.get_data())
        shown[url] = EMBARGOED in text or bool(leaks(text, marks))
    carrying = ["/catalog.ttl", "/api/v1/sdmx/data/OBSERVATIONS/all?format=sdmx-csv", f"/api/v1/changes?since={SINCE}",
                "/embed/explorer?series=GDP,GDP_PRIMARY,GDP_SECONDARY,GDP_TERTIARY", f"/download/release/{EMBARGOED}.zip",
                f"/api/v1/releases/{EMBARGOED}/observations?format=sdmx-ml", f"/release/{EMBARGOED}",
                "/api/v1/files/latest/values.sdmx.csv", "/api/v1/series/GDP/observations?format=zip&last_n=4"]
    assert all(shown[url] for url in carrying), [url for url in carrying if not shown[url]]
