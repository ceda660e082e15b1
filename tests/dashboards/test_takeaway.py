"""Charts to take away: PNG and SVG of the explorer's view (drawn by the site's kaleido renderer,
pinned to a vintage, immutable), the embed (framable by any site on that route only, with the
office's attribution and a link back), the explorer's citation line and embed code, the rate
limit on what is made on demand; through the gate, and on a second office."""

from __future__ import annotations

import json
import re

from statpub.dashboards.app import create_app
from statpub.dashboards.pages.explorer_model import vintage_code
from statpub.kernel.clock import Clock
from tests.dashboards.dash_payloads import UPDATE, router_body
from tests.fixtures.api import FINAL
from tests.fixtures.mini import MINI_OFFICE


def test_pictures_are_pinned_drawn_once_and_immutable(after_client, embargoed_release):
    redirect = after_client.get("/download/chart.png?series=GDP_GROWTH&last_n=8&lang=en")
    assert redirect.status_code == 302
    assert f"vintage={vintage_code(embargoed_release.instant)}" in redirect.headers["Location"]
    png = after_client.get(redirect.headers["Location"])
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG") and "immutable" in png.headers["Cache-Control"]
    assert after_client.get(redirect.headers["Location"]).data == png.data
    svg = after_client.get(redirect.headers["Location"].replace("chart.png", "chart.svg"))
    assert svg.mimetype == "image/svg+xml" and b"GDP growth rate" in svg.data and b"Source:" in svg.data


def test_no_picture_of_a_vintage_before_it_is_public(before_client, embargoed_release):
    pinned = f"/download/chart.svg?series=GDP&vintage={vintage_code(embargoed_release.instant)}"
    assert before_client.get(pinned).status_code == 404
    current = before_client.get("/download/chart.svg?series=GDP")
    assert vintage_code(embargoed_release.instant) not in current.headers["Location"]


def test_the_embed_is_framable_and_says_whose_it_is(after_client, gate_after):
    page = after_client.get("/embed/explorer?series=GDP,GDP_GROWTH&last_n=4&lang=en")
    assert page.status_code == 200
    assert "frame-ancestors *" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    text = page.get_data(as_text=True)
    assert "Statistics Bureau of the Example City" in text and "CC BY 4.0" in text
    # back to the office's site at its base URL (office.yaml), never at the Host the client sent
    assert 'href="https://stats.example.gov.cn/explorer?series=GDP%2CGDP_GROWTH&amp;last_n=4&amp;lang=en"' in text
    assert "localhost" not in text
    figure = json.loads(re.search(r'<script type="application/json" id="figure">(.*?)</script>', text, re.S)[1])
    expected = [r["value"] for r in gate_after.observations(["GDP"]).to_pylist()[-4:]]
    assert figure["data"][0]["y"] == expected
    for other in ("/explorer", "/", "/api/v1/", "/download/chart.svg?series=GDP"):
        response = after_client.get(other)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], other


def test_the_embed_before_the_instant_shows_what_was_public(before_client, gate_before):
    text = before_client.get("/embed/explorer?series=GDP&last_n=4").get_data(as_text=True)
    figure = json.loads(re.search(r'id="figure">(.*?)</script>', text, re.S)[1])
    assert figure["data"][0]["y"] == [r["value"] for r in gate_before.observations(["GDP"]).to_pylist()[-4:]]


def test_the_explorer_offers_pictures_citation_and_embed_code(after_client):
    app = after_client.application.config["dash_app"]
    body = json.dumps(after_client.post(UPDATE, json=router_body(app, "/explorer", "?series=GDP&last_n=8"))
                      .get_json(), ensure_ascii=False)
    assert "/download/chart.png?series=GDP" in body and "/download/chart.svg?" in body
    assert '<iframe src=\\"https://stats.example.gov.cn/embed/explorer?series=GDP&amp;last_n=8\\"' in body
    assert "https://stats.example.gov.cn/explorer?series=GDP&last_n=8" in body  # the citation's address
    release = json.dumps(after_client.post(UPDATE, json=router_body(app, f"/release/{FINAL}")).get_json(),
                         ensure_ascii=False)
    assert "/download/chart.png?series=" in release and "embed/explorer?" in release


def test_on_demand_files_are_rate_limited(demo_settings, embargoed_release, monkeypatch):
    monkeypatch.setenv("STATPUB_DOWNLOAD_RATE", "2/60")
    client = create_app(demo_settings, Clock(start=embargoed_release.instant)).server.test_client()
    answers = [client.get("/embed/explorer?series=GDP").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert client.get("/download/release/x.zip").status_code == 429
    assert client.get("/calendar.ics").status_code == 200  # other routes are not counted


def test_a_second_office(mini_client):
    svg = mini_client.get("/download/chart.svg?series=GDP&lang=en", follow_redirects=True)
    assert svg.status_code == 200 and MINI_OFFICE["en"].encode() in svg.data
    embed = mini_client.get("/embed/explorer?series=GDP&lang=en").get_data(as_text=True)
    assert MINI_OFFICE["en"] in embed and "Open data licence (test)" in embed
