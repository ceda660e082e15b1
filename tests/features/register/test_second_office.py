"""The register's site on a second office (a county's MiniRoot, nothing from the demo): its matters,
items, a classification as JSON, CSV and an SDMX code list under the county's own agency, its pages,
search and staff view; what is not public yet answers 404 everywhere."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

import pytest
import sdmx

from statpub.dashboards.app import create_app
from statpub.etl.load import load
from statpub.kernel.clock import Clock
from tests.dashboards.dash_payloads import UPDATE, router_body
from tests.features.register.builder import MATTERS, MiniRegister, before, beijing

PUBLIC = "2026-03-10T10:00:00"
LATER = "2026-04-20T10:00:00"
NOW = "2026-04-01T09:00:00"


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> MiniRegister:
    reg = MiniRegister(tmp_path_factory.mktemp("second-office") / "county")
    reg.item("classification", "sectors-2026", version="2026 版", codes=[
        {"code": "1", "name": {"zh": "第一产业", "en": "Primary"}},
        {"code": "1.1", "name": {"zh": "=种植业", "en": "+Crops"}, "parent": "1"},
        {"code": "2", "name": {"zh": "第二产业", "en": "Secondary"}}],
        mappings=[{"to": "sectors-2020", "pairs": [["1", "A"], ["1.1", "A01"], ["2", "B"]]}])
    reg.item("classification", "sectors-2020", version="2020", effective="2020-01-01",
             codes=[{"code": "A", "name": {"zh": "农业", "en": "Agriculture"}},
                    {"code": "A01", "name": {"zh": "种植", "en": "Crops"}, "parent": "A"},
                    {"code": "B", "name": {"zh": "工业", "en": "Industry"}}])
    reg.item("survey", "county-survey", valid_until="2027-06-30")
    reg.item("document", "doc-one", title={"zh": "某县统计台账管理规定", "en": "County rules on statistical ledgers"})
    reg.item("interpretation", "doc-one-reading", text={"zh": "台账要逐月登记，留痕可查。", "en": "Ledgers are kept monthly."})
    reg.item("survey", "later-survey", instant=f"{LATER}+08:00", valid_until="2027-06-30",
             title={"zh": "尚未公开的县级调查", "en": "A county survey not public yet"})
    for item_id in ("sectors-2026", "sectors-2020", "county-survey", "doc-one", "doc-one-reading", "later-survey"):
        reg.approve(item_id, before(PUBLIC))
    load(reg.settings, clock=Clock(start=beijing("2026-03-01T00:00:00")))
    return reg


@pytest.fixture(scope="module")
def client(county):
    app = create_app(county.settings, Clock(start=beijing(NOW)))
    client = app.server.test_client()
    client.get("/healthz")  # the first request registers the pages router callback
    client.application.config["dash_app"] = app
    return client


def page(client, path: str, query: str = "") -> str:
    response = client.post(UPDATE, json=router_body(client.application.config["dash_app"], path, query))
    assert response.status_code == 200, path
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_the_county_catalogue_and_items(client):
    matters = client.get("/api/v1/register/matters").get_json()["matters"]
    assert [m["id"] for m in matters] == [m["id"] for m in MATTERS]
    items = client.get("/api/v1/register/items?limit=1000").get_json()["items"]
    assert {i["id"] for i in items} == {"sectors-2026", "sectors-2020", "county-survey", "doc-one", "doc-one-reading"}
    survey = next(i for i in items if i["id"] == "county-survey")
    assert survey["level"] == {"zh": "县级", "en": "county"} and survey["timeliness"]["state"]
    assert client.get("/api/v1/register/items/later-survey").status_code == 404


def test_a_classification_as_json_csv_and_an_sdmx_code_list(client):
    codes = client.get("/api/v1/register/items/sectors-2026/codes").get_json()
    assert [c["code"] for c in codes["codes"]] == ["1", "1.1", "2"]
    assert codes["codes"][1]["maps_to"] == {"sectors-2020": ["A01"]}
    csv_text = client.get("/api/v1/register/items/sectors-2026/codes?format=csv").get_data(as_text=True)
    assert "'=种植业" in csv_text and "'+Crops" in csv_text  # never a formula in a spreadsheet
    answer = client.get("/api/v1/register/items/sectors-2026/codes?format=sdmx")
    assert answer.status_code == 200 and answer.mimetype == "application/vnd.sdmx.structure+xml"
    message = sdmx.read_sdmx(io.BytesIO(answer.data))
    codelist = message.codelist["CL_SECTORS"]
    assert codelist.maintainer.id == "DATA_TESTVILLE_EXAMPLE" and codelist.version == "2026.1.1"
    assert [c.id for c in codelist] == ["1", "1_1", "2"] and codelist["1_1"].parent.id == "1"
    assert str(codelist["2"].name.localizations["zh"]) == "第二产业"
    assert client.get("/api/v1/register/items/sectors-2026/codes?format=sdmx").data == answer.data
    assert client.get("/api/v1/register/items/county-survey/codes?format=sdmx").status_code == 404
    assert client.get("/api/v1/register/items/sectors-2026/codes?format=xml").get_json()["parameter"] == "format"


def test_pages_search_and_staff_view_of_the_county(client):
    register = page(client, "/register")
    assert "县级统计调查项目" in register and "尚未公开的县级调查" not in register
    assert "台账要逐月登记" in page(client, "/register/interpretation/doc-one-reading")
    hits = client.get("/api/v1/search?q=%E5%8F%B0%E8%B4%A6").get_json()["hits"]
    assert {h["url"].split("?")[0] for h in hits} >= {"/register/interpretation/doc-one-reading"}
    assert client.get("/api/v1/search?q=%E5%B0%9A%E6%9C%AA%E5%85%AC%E5%BC%80").get_json()["total"] == 0
    assert client.get("/staff/register?format=json").status_code == 403


def test_an_items_own_instant_is_never_announced(county):
    """Nobody announced when the later survey goes public: thirty seconds before it, the API's next
    instant and the cache lifetimes do not give it away (what the site keeps in memory still ends
    there: gate.next_change), and at it the survey is public."""
    soon = create_app(county.settings, Clock(start=beijing(LATER) - timedelta(seconds=30))).server.test_client()
    shown = soon.get("/api/v1/").get_json()["next_instant"]
    assert shown is None or datetime.fromisoformat(shown.replace("Z", "+00:00")) != beijing(LATER)
    for path in ("/api/v1/register/items", "/api/v1/", "/api/v1/register/items/county-survey"):
        answer = soon.get(path)
        age = int(answer.headers["Cache-Control"].split("max-age=")[1].split(",")[0])
        assert answer.status_code == 200 and age > 30, (path, age)
    assert soon.get("/api/v1/register/items/later-survey").status_code == 404
    at = create_app(county.settings, Clock(start=beijing(LATER))).server.test_client()
    assert at.get("/api/v1/register/items/later-survey").status_code == 200
