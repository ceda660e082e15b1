"""The register on the demo site, in process: API, attachments, pages and search through the gate
(an embargoed item answers exactly like a missing one), parameters refused by name, privacy as
configured, the staff view for staff only, the OpenAPI document."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from statpub.dashboards.app import create_app
from statpub.features.messages import plugin as messages_plugin
from statpub.features.register import plugin as register_plugin
from statpub.features.staff import plugin as staff_plugin
from statpub.features.staff.service import accounts_for
from statpub.kernel.clock import BEIJING, Clock
from tests.dashboards.dash_payloads import UPDATE, router_body
from tests.fixtures.press import private_site
from tests.fixtures.staff import sign_in

INSTANT = datetime(2026, 12, 10, 10, 0, tzinfo=BEIJING)
EMBARGOED_DOC = "2026-survey-management-measures"
EMBARGOED_READING = "2026-survey-management-measures-reading"
DOCX = f"/register/files/{EMBARGOED_DOC}/{EMBARGOED_DOC}.docx"


@pytest.fixture(scope="module")
def before(make_client):
    return make_client(INSTANT - timedelta(minutes=20))


@pytest.fixture(scope="module")
def after(make_client):
    return make_client(INSTANT + timedelta(seconds=1))


def page_text(client, path: str, query: str = "") -> str:
    app = client.application.config["dash_app"]
    response = client.post(UPDATE, json=router_body(app, path, query))
    assert response.status_code == 200, path
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_items_api_lists_public_items_with_dates_and_timeliness(before, after):
    early = before.get("/api/v1/register/items?limit=1000").get_json()
    late = after.get("/api/v1/register/items?limit=1000").get_json()
    assert late["total"] == early["total"] + 2
    ids = {i["id"] for i in late["items"]}
    assert {EMBARGOED_DOC, EMBARGOED_READING} <= ids and not {EMBARGOED_DOC, EMBARGOED_READING} & \
        {i["id"] for i in early["items"]}
    assert "2026-penalty-011" not in ids  # not approved
    assert "2023-penalty-002" not in ids  # past its three years of publicity
    labour = next(i for i in late["items"] if i["id"] == "labour-force-supplement")
    assert labour["timeliness"] == {"counts_from": "2026-03-02", "due": "2026-03-30", "due_provisional": False,
                                    "published": "2026-03-31", "working_days": 21, "on_time": False, "state": "late"}
    assert labour["domain"] == {"zh": "统计调查管理", "en": "Survey management"} and labour["level"]["zh"] == "市级"
    surveys = after.get("/api/v1/register/items?kind=survey").get_json()["items"]
    assert {s["id"]: s["lapsed"] for s in surveys}["tourism-sample-survey"] is True
    assert after.get("/api/v1/register/items?matter=budgets").get_json()["total"] == 2


def test_an_embargoed_item_is_exactly_a_missing_one(before, after):
    for path in (f"/api/v1/register/items/{EMBARGOED_DOC}", DOCX):
        hidden, missing = before.get(path), before.get(path.replace(EMBARGOED_DOC, "no-such-item"))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.get_data() == missing.get_data()
        assert after.get(path).status_code == 200
    shown = after.get(DOCX)
    assert shown.data.startswith(b"PK") and shown.headers["ETag"].strip('"') == shown.headers["ETag"].strip('"')
    assert before.get(f"/api/v1/register/items/{EMBARGOED_DOC}/codes").status_code == 404
    # caches of the register never reach past the instant
    age = int(before.get("/api/v1/register/items").headers["Cache-Control"].split("max-age=")[1])
    assert age <= 60


def test_parameters_are_refused_by_name(after):
    for query, name in (("kind=nope", "kind"), ("unit=1", "unit"), ("limit=0", "limit"), ("matter=A%20B", "matter")):
        body = after.get(f"/api/v1/register/items?{query}").get_json()
        assert body["status"] == 400 and body["parameter"] == name, query
    assert after.get("/api/v1/search").get_json()["parameter"] == "q"
    assert after.get("/api/v1/search?q=%20%20").get_json()["parameter"] == "q"
    assert after.get("/api/v1/search?q=a&kind=nope").get_json()["parameter"] == "kind"


def test_classification_codes_as_json_and_csv(after):
    codes = after.get("/api/v1/register/items/three-industries-2018/codes").get_json()
    assert [c["code"] for c in codes["codes"]] == ["1", "2", "3"]
    assert codes["codes"][1]["maps_to"]["industry-classification-2017"] == ["B", "C", "D", "E"]
    csv_text = after.get("/api/v1/register/items/industry-classification-2017/codes?format=csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeffcode,name_zh,name_en,parent,maps_to:industry-classification-2011")
    assert "C,制造业,Manufacturing,,C" in csv_text
    assert after.get("/api/v1/register/items/2026-budget/codes").status_code == 404


def test_privacy_rules_of_the_demo(after):
    person = after.get("/api/v1/register/items/2026-penalty-007").get_json()["data"]["party"]
    assert person["name"] == "孙某" and person["id_number"] is None
    company = after.get("/api/v1/register/items/2026-dishonest-001").get_json()["data"]["party"]
    assert company["name"] == "示例市丙丁建材有限公司" and company["legal_representative"] == "钱某"
    everything = after.get("/api/v1/register/items?limit=1000").get_data(as_text=True)
    assert "孙晓明" not in everything and "110000199001010000" not in everything
    assert "孙晓明" not in page_text(after, "/register/penalty/2026-penalty-007")


def test_search_finds_everything_published_in_both_languages(before, after):
    found = after.get("/api/v1/search?q=%22有效期届满未申请延长的调查项目自动失效%22").get_json()
    assert found["total"] == 1 and found["hits"][0]["url"] == f"/register/interpretation/{EMBARGOED_READING}"
    assert before.get("/api/v1/search?q=%22有效期届满未申请延长的调查项目自动失效%22").get_json()["total"] == 0
    kinds = after.get("/api/v1/search?q=地区生产总值").get_json()["kinds"]
    assert {"release", "interpretation", "series"} <= set(kinds)
    english = after.get("/api/v1/search?q=gross%20domestic%20product&lang=en").get_json()
    assert english["total"] > 0 and all(h["lang"] == "en" for h in english["hits"])


def test_pages(before, after):
    register = page_text(after, "/register")
    assert "主动公开事项目录" in register and "《中华人民共和国行政处罚法》第四十八条" in register
    assert "数据目录" in register and "/series/GDP" in register  # the dataset catalogue is part of it
    assert "示例市统计调查项目管理实施办法" in register
    assert "示例市统计调查项目管理实施办法" not in page_text(before, "/register")
    surveys = page_text(after, "/register", "?kind=survey&lang=en")
    assert "lapsed" in surveys and "Example City tourism sample survey" in surveys
    lapsed = page_text(after, "/register/survey/tourism-sample-survey")
    assert "已失效，表式不再使用" in lapsed and "现行表式" not in lapsed
    current = page_text(after, "/register/survey/household-living-survey")
    assert "现行表式" in current and "H102表" in current
    hidden = page_text(before, f"/register/document/{EMBARGOED_DOC}")
    assert '"data-status-code": "404"' in hidden and "实施办法" not in hidden
    assert "出台背景" in page_text(after, f"/register/interpretation/{EMBARGOED_READING}")
    search = page_text(after, "/search", "?q=%E8%B0%83%E6%9F%A5%E8%A1%A8%E5%BC%8F")
    assert "search-results" in search and "Mark" in search
    report = page_text(after, "/report/annual/2025")
    assert "二、主动公开政府信息情况" in report and "三、收到和处理政府信息公开申请情况" in report
    assert '"data-status-code": "404"' in page_text(after, "/report/annual/2024")


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory, demo_settings):
    """A private copy of the demo site (its own operational store) with an account of each role."""
    settings = private_site(tmp_path_factory.mktemp("register-staff"), demo_settings)
    created = INSTANT - timedelta(days=3)
    for name, role in STAFF.items():
        accounts_for(settings).add(name, role, f"{name}-password-long", created, display_name=name.title(),
                                   organisation="示例市统计局")
    return settings


STAFF = {"rena": "reviewer", "ross": "responder", "pia": "press"}


def test_the_staff_view_is_for_the_openness_staff_signed_in(staff_site):
    """Through the staff feature's own sign-in: nobody signed in is sent to it (JSON refused), a press
    account is refused, reviewers and responders see the deadlines, linked from the staff home."""
    app = create_app(staff_site, Clock(start=INSTANT - timedelta(hours=1)),
                     plugins=[register_plugin, messages_plugin, staff_plugin])
    anonymous = app.server.test_client()
    answer = anonymous.get("/staff/register")
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/staff/login?next=%2Fstaff%2Fregister")
    assert anonymous.get("/staff/register?format=json").status_code == 403
    clients = {}
    for name in STAFF:
        clients[name] = app.server.test_client()
        assert sign_in(clients[name], name, f"{name}-password-long").status_code == 303
    assert clients["pia"].get("/staff/register").status_code == 403
    assert "/staff/register" not in clients["pia"].get("/staff").get_data(as_text=True)
    for name in ("rena", "ross"):
        assert "/staff/register" in clients[name].get("/staff").get_data(as_text=True)
        answer = clients[name].get("/staff/register?format=json")
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-store"
        views = answer.get_json()
        assert [r["id"] for r in views["due"]] == [EMBARGOED_DOC, EMBARGOED_READING]
        assert [r["id"] for r in views["overdue"]] == ["2026-penalty-011"]
        assert [r["id"] for r in views["lapsing"]] == ["small-business-climate-survey"]
    assert "Overdue" in clients["rena"].get("/staff/register?lang=en").get_data(as_text=True)


def test_the_openapi_document_describes_the_new_paths(after):
    paths = after.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/register/items", "/api/v1/register/items/{item_id}", "/api/v1/register/matters",
                 "/api/v1/register/items/{item_id}/codes", "/api/v1/search"):
        assert path in paths
    q = next(p for p in paths["/api/v1/search"]["get"]["parameters"] if p["name"] == "q")
    assert q["required"] is True
