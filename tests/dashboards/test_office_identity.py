"""Every public path names the office of the content root it serves, and no other: the demo's
and a second, small office's (tests/etl/builder.py) — page shell and title, meta tags, header and
footer, colours, logo, Atom and ICS, data package, Parquet metadata, downloads, citation, OpenAPI,
the briefing pack. Expectations are read from each root's releases/office.yaml."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pyarrow.parquet as pq
import pytest
import yaml

from statpub.dashboards.app import create_app
from statpub.etl.load import load
from statpub.kernel.clock import Clock, parse_instant
from statpub.kernel.config import Settings
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from tests.dashboards.dash_payloads import UPDATE, response_text, router_body
from tests.etl.builder import MiniRoot, approve_all
from tests.repo.test_no_office_in_code import demo_wording

LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8" fill="#0b6e4f"/></svg>'
DATA = "series_code,period,value,status,note\nGDP,2024-Q1,100,p,\nPART_A,2024-Q1,40,p,\nPART_B,2024-Q1,60,p,\n"


@pytest.fixture(scope="module")
def testville(tmp_path_factory) -> Settings:
    mini = MiniRoot(tmp_path_factory.mktemp("testville"))
    office = yaml.safe_load((mini.root / "releases" / "office.yaml").read_text(encoding="utf-8"))
    (mini.root / "releases" / "mark.svg").write_bytes(LOGO)
    mini.write_office({**office, "logo": "mark.svg"})
    mini.add("2024-q1", "2024-04-19T10:00:00+08:00", ["GDP", "PART_A", "PART_B"],
             [{"file": "data.csv", "layout": "long"}], files={"data.csv": DATA})
    clock = Clock(start=parse_instant("2024-05-01T10:00:00+08:00"))
    load(mini.settings, clock=clock)
    approve_all(mini.settings, clock)
    return mini.settings


@pytest.fixture(scope="module", params=["testville", "demo"])
def site(request, testville, demo_settings):
    settings = testville if request.param == "testville" else demo_settings
    office = yaml.safe_load((settings.root / "releases" / "office.yaml").read_text(encoding="utf-8"))
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    now = max(r.instant for r in snapshot.releases.values() if r.review.approved) + timedelta(hours=1)
    app = create_app(settings, Clock(start=now))
    client = app.server.test_client()
    client.get("/healthz")
    others = set() if request.param == "demo" else demo_wording()
    return request.param, settings, office, app, client, others


def _clean(text: str, others: set[str]) -> None:
    assert [w for w in others if w in text] == []


def test_page_shell_title_meta_and_colours(site):
    _name, _settings, office, _app, client, others = site
    for lang in ("zh", "en"):
        html = client.get("/calendar" + ("?lang=en" if lang == "en" else "")).get_data(as_text=True)
        assert f"<title>{office['short_name'][lang]}</title>" in html
        assert f'content="{office["base_url"]}/calendar' in html  # og:url, canonical
        assert f'property="og:site_name" content="{office["short_name"][lang]}"' in html
        assert ('name="robots" content="noindex"' in html) == bool(office.get("demo"))
        _clean(html, others)
    css = client.get("/_statpub/office.css").get_data(as_text=True)
    assert office.get("colours", {}).get("accent", "#1f4e9c") in css


def test_header_footer_and_logo_on_every_page(site):
    _name, _settings, office, app, client, others = site
    for path in ("/", "/calendar", "/catalogue", "/explorer", "/no-such-page"):
        for lang in ("zh", "en"):
            answer = client.post(UPDATE, json=router_body(app, path, "?lang=en" if lang == "en" else ""))
            text = response_text(answer)
            assert office["short_name"][lang] in text and office["name"][lang] in text, path
            assert office["licence"]["name"][lang] in text and office["licence"]["url"] in text
            assert (office["notice"][lang] in text) if office.get("notice") else True
            assert f"{office['short_name'][lang]}" in json.loads(answer.get_data(as_text=True))["response"][
                "_pages_store"]["data"]["title"]
            _clean(text, others)
    logo = office.get("logo")
    home = response_text(client.post(UPDATE, json=router_body(app, "/")))
    if logo:
        src = next(part for part in home.split('"') if part.startswith("/_statpub/office/logo"))
        answer = client.get(src)
        assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
        assert answer.data == (_settings.root / "releases" / logo).read_bytes()
        assert "immutable" in answer.headers["Cache-Control"]


def test_feeds_name_the_office(site):
    _name, _settings, office, _app, client, others = site
    atom = client.get("/feed.atom?lang=en").get_data(as_text=True)
    assert f"<name>{office['name']['en']}</name>" in atom and office["short_name"]["en"] in atom
    ics = client.get("/calendar.ics").get_data(as_text=True).replace("\r\n ", "")
    host = office["base_url"].split("//", 1)[1]
    assert f"X-WR-CALNAME:{office['short_name']['zh']}" in ics and f"@{host}" in ics
    _clean(atom + ics, others)


def test_data_package_parquet_and_citation_carry_the_content_licence(site):
    _name, _settings, office, _app, client, others = site
    package = client.get("/api/v1/files/latest/datapackage.json", follow_redirects=True).get_json()
    licence = office["licence"]
    assert package["licenses"] == [{"name": licence["spdx"], "path": licence["url"], "title": licence["name"]["en"]}]
    assert package["contributors"][0]["title"] == office["name"]["en"]
    assert package["title"].startswith(office["name"]["en"]) and package["homepage"] == office["base_url"]
    values = client.get("/api/v1/files/latest/values.parquet", follow_redirects=True).data
    meta = {k.decode(): v.decode() for k, v in pq.read_schema(io.BytesIO(values)).metadata.items()}
    assert meta["licence"] == licence["name"]["en"] and meta["licence_url"] == licence["url"]
    assert json.loads(meta["publisher"]) == office["name"] and office["base_url"] in meta["citation"]
    citation = client.get("/api/v1/series/GDP/citation").get_data(as_text=True)
    assert office["name"]["en"] in citation and office["name"]["zh"] in citation
    assert f"{office['base_url']}/api/v1/files/" in citation
    document = client.get("/api/v1/openapi.json").get_json()["info"]
    assert document["title"] == f"{office['short_name']['en']} API" and document["license"]["identifier"] == licence["spdx"]
    _clean(json.dumps(package, ensure_ascii=False) + json.dumps(meta, ensure_ascii=False) + citation
           + json.dumps(document, ensure_ascii=False), others)


def test_site_downloads_carry_licence_and_office(site):
    _name, settings, office, _app, client, others = site
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    release = [r for r in snapshot.releases.values() if r.review.approved and r.observation_count][-1]
    answer = client.get(f"/download/release/{release.id}.xlsx", follow_redirects=True)
    from openpyxl import load_workbook

    cells = " ".join(str(c.value) for row in load_workbook(io.BytesIO(answer.data)).active.iter_rows() for c in row
                     if c.value is not None)
    assert office["licence"]["url"] in cells and office["name"]["en"] in cells
    _clean(cells, others)


def test_the_public_address_comes_from_the_setting_not_the_request(site):
    name, settings, office, _app, _client, _others = site
    local = Settings(settings.root, settings.warehouse_dir, base_url_override="http://127.0.0.1:8999")
    snapshot = WarehouseReader(settings.warehouse_dir).snapshot()
    now = max(r.instant for r in snapshot.releases.values()) + timedelta(days=1)
    client = create_app(local, Clock(start=now)).server.test_client()
    html = client.get("/", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert 'content="http://127.0.0.1:8999/"' in html and "evil.example" not in html
    assert office["base_url"] not in html


@pytest.mark.slow
def test_briefing_pack_names_the_office(testville, tmp_path):
    from statpub.features.press.service import deliver_pack

    snapshot = WarehouseReader(testville.warehouse_dir).snapshot()
    gate = Gate(snapshot, parse_instant("2024-05-01T10:00:00+08:00"))
    pack = deliver_pack(gate, "2024-q1", tmp_path, testville, channel="cli")
    office = yaml.safe_load((testville.root / "releases" / "office.yaml").read_text(encoding="utf-8"))
    assert pack.manifest["publisher"] == office["name"]
    assert office["licence"]["url"] in pack.manifest["licence"]
    with zipfile.ZipFile(pack.path) as archive:
        docx = next(n for n in archive.namelist() if n.endswith(".docx"))
        with zipfile.ZipFile(io.BytesIO(archive.read(docx))) as document:
            xml = "".join(document.read(n).decode("utf-8") for n in document.namelist() if n.endswith(".xml"))
    assert office["name"]["zh"] in xml and office["licence"]["url"] in xml
    _clean(xml, demo_wording())
