"""The board on a second, small content root (another office, no working-day file of its own):
its own name on the board's pages, a message about its public release through the API (one not yet
public is the same 404 as a missing one), due dates provisional (no year announced), the staff
feature's accounts answering, reviewing and publishing through the staff forms, the reply on the
release page, the searchable list and the FAQ page, and the public statistics counting it."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from statpub.dashboards.app import create_app
from statpub.etl.load import load
from statpub.features.messages import plugin as messages_plugin
from statpub.features.staff import plugin as staff_plugin
from statpub.features.staff.service import accounts_for
from statpub.kernel.clock import Clock, parse_instant
from tests.dashboards.dash_payloads import UPDATE, router_body
from tests.etl.builder import MiniRoot, approve_all
from tests.fixtures.staff import sign_in

DATA = "series_code,period,value,status\nGDP,2024-Q1,12345.67,p\n"
PUBLIC = parse_instant("2024-04-19T10:00:00+08:00")
LATER = "2024-07-19T10:00:00+08:00"
NOW = PUBLIC + timedelta(days=3)
STAFF = {"mei": "responder", "tao": "reviewer"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = MiniRoot(tmp_path_factory.mktemp("board-second-office"))
    root.add("q1", PUBLIC.isoformat(), ["GDP"], [{"file": "d.csv", "layout": "long"}], {"d.csv": DATA},
             provenance=True)
    root.add("q2", LATER, ["GDP"], [{"file": "d.csv", "layout": "long"}],
             {"d.csv": DATA.replace("2024-Q1", "2024-Q2")}, provenance=True)
    settings = root.settings
    before = Clock(start=PUBLIC - timedelta(days=2))
    load(settings, clock=before)
    approve_all(settings, before)
    for name, role in STAFF.items():
        accounts_for(settings).add(name, role, f"{name}-password-for-tests", PUBLIC - timedelta(days=30),
                                   display_name=name, organisation="测试市统计局")
    app = create_app(settings, Clock(start=NOW), plugins=[messages_plugin, staff_plugin])
    client = app.server.test_client()
    client.application.config["dash_app"] = app
    return client


def staff(site, name: str):
    client = site.application.test_client()
    assert sign_in(client, name, f"{name}-password-for-tests").status_code == 303
    return client


def staff_post(client, path: str, **form):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)
    answer = client.post(path, data={**form, "csrf_token": token})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:400]


def test_a_message_to_a_published_reply_and_faq_on_another_office(site):
    made = site.post("/api/v1/messages", json={"about": "release:q1", "category": "consultation",
                                               "text": "请问一季度生产总值是否按可比价格计算？"},
                     environ_base={"REMOTE_ADDR": "10.9.0.1"})
    assert made.status_code == 201, made.get_data(as_text=True)
    code = made.get_json()["code"]
    embargoed = site.post("/api/v1/messages", json={"about": "release:q2", "category": "consultation",
                                                    "text": "二季度的数据？"}, environ_base={"REMOTE_ADDR": "10.9.0.2"})
    missing = site.post("/api/v1/messages", json={"about": "release:q9", "category": "consultation",
                                                  "text": "二季度的数据？"}, environ_base={"REMOTE_ADDR": "10.9.0.2"})
    assert embargoed.status_code == missing.status_code == 404 and embargoed.get_json() == missing.get_json()
    status = site.get(f"/messages/{code}").get_data(as_text=True)
    assert "测试市" in status and "示例" not in status  # this office's name, never the demo's
    assert "暂定" in status  # no workdays.yaml here: every deadline counts weekdays and is provisional

    mei, tao = staff(site, "mei"), staff(site, "tao")
    detail = mei.get(f"/staff/messages/{code}").get_data(as_text=True)
    assert "provisional" in detail and "provisional" in mei.get("/staff/messages").get_data(as_text=True)
    staff_post(mei, f"/staff/messages/{code}", action="assign", assignee="mei", department="核算处")
    staff_post(mei, f"/staff/messages/{code}", action="reply", question_zh="一季度生产总值是否按可比价格计算？",
               reply_zh="增长速度按可比价格计算，总量按现价计算。", reply_en="Growth is at comparable prices.",
               publish="yes")
    staff_post(tao, f"/staff/messages/{code}", action="review", decision="approve")
    staff_post(mei, "/staff/faq", scope="release:q1", question_zh="增长速度如何计算？",
               answer_zh="按可比价格计算。", sources="统计制度", cites=code)

    assert "按可比价格计算，总量按现价计算" in site.get("/messages?q=可比价格").get_data(as_text=True)
    assert "Growth is at comparable prices" in site.get("/messages?q=comparable&lang=en").get_data(as_text=True)
    faq = site.get("/faq/release/q1").get_data(as_text=True)
    assert "增长速度如何计算" in faq and code in faq
    app = site.application.config["dash_app"]
    page = json.dumps(site.post(UPDATE, json=router_body(app, "/release/q1")).get_json(), ensure_ascii=False)
    assert "增长速度按可比价格计算" in page and "message-form" in page
    assert "message-form" not in json.dumps(site.post(UPDATE, json=router_body(app, "/release/q2")).get_json())
    stats = site.get("/messages/statistics?period=2024").get_data(as_text=True)
    assert "accounts" in stats or "核算" in stats
