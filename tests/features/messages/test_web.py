"""The board on the site, in-process: the JSON contract, the HTML form with its token and
honeypot, rate limits per client, a release that is not public (same 404 as a missing one), the
sections on release/series/topic pages, the staff matrix of who sees contact data, and hostile
text escaped on every page and export."""

from __future__ import annotations

import json
import re
import shutil
from datetime import timedelta

import pytest

from statpub.dashboards.app import create_app
from statpub.features.messages import plugin as messages_plugin
from statpub.features.staff import plugin as staff_plugin
from statpub.features.staff.service import accounts_for
from statpub.kernel.clock import Clock, parse_instant
from tests.dashboards.dash_payloads import UPDATE, router_body
from tests.fixtures.press import private_site
from tests.fixtures.staff import sign_in
from tests.paths import REPO_ROOT

PUBLIC_RELEASE = "2024-q3-economy"
EMBARGOED = "2025-gdp-final-verification"
# Staff accounts of the staff feature (login name → role), each signed in with its own client.
ROLES = {"li": "responder", "zhao": "reviewer", "pat": "press"}
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes" \'single\''


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_settings, embargoed_release):
    settings = private_site(tmp_path_factory.mktemp("board-site"), demo_settings)
    shutil.copy(REPO_ROOT / "workdays.yaml", settings.root / "workdays.yaml")
    accounts = accounts_for(settings)
    for name, role in ROLES.items():
        accounts.add(name, role, f"{name}-{role}-password", parse_instant("2026-12-01T09:00:00+08:00"),
                     display_name=f"{name} ({role})", organisation="示例市统计局")
    app = create_app(settings, Clock(start=embargoed_release.instant - timedelta(hours=2)),
                     plugins=[messages_plugin, staff_plugin])
    client = app.server.test_client()
    client.application.config["dash_app"] = app
    client.application.config["board_settings"] = settings
    client.application.config["staff_clients"] = {}
    return client


def as_staff(site, name: str):
    """A client of the same site signed in as `name` at /staff/login (the staff feature's session),
    made once per name."""
    clients = site.application.config["staff_clients"]
    if name not in clients:
        client = site.application.test_client()
        assert sign_in(client, name, f"{name}-{ROLES[name]}-password").status_code == 303
        clients[name] = client
    return clients[name]


def post(client, about=f"release:{PUBLIC_RELEASE}", addr="10.0.0.1", **body):
    payload = {"about": about, "category": "consultation", "text": "请问数据何时修订？", **body}
    return client.post("/api/v1/messages", json=payload, environ_base={"REMOTE_ADDR": addr})


def test_api_contract_and_embargo(site):
    created = post(site, addr="10.0.1.1")
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert set(body) >= {"code", "status", "due"} and body["status"] == "received"
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", body["due"])
    status = site.get(f"/api/v1/messages/{body['code']}")
    assert status.status_code == 200 and status.get_json()["status"] == "received"
    assert "no-store" in status.headers["Cache-Control"] and "contact" not in status.get_json()
    embargoed = post(site, about=f"release:{EMBARGOED}", addr="10.0.1.2")
    missing = post(site, about="release:2099-no-such-release", addr="10.0.1.2")
    assert embargoed.status_code == missing.status_code == 404
    assert embargoed.get_json() == missing.get_json()
    assert post(site, about="series:GDP", addr="10.0.1.3").status_code == 201
    assert post(site, about="topic:nope", addr="10.0.1.3").status_code == 404
    assert post(site, addr="10.0.1.4", category="evaluation", rating=9).status_code == 400
    assert site.post("/api/v1/messages", data="about=x", environ_base={"REMOTE_ADDR": "10.0.1.5"}).status_code == 400
    assert site.get("/api/v1/messages/0000-0000-0000").status_code == 404


def test_api_duplicates_rate_limits_and_get_only_cors(site):
    assert post(site, addr="10.0.2.1", text="重复的留言内容一。").status_code == 201
    assert post(site, addr="10.0.2.2", text="重复的留言内容一。").status_code == 409
    codes = [post(site, addr="10.0.2.3", text=f"第{i}条不同的留言。").status_code for i in range(6)]
    assert codes[:5] == [201] * 5 and codes[5] == 429
    limited = post(site, addr="10.0.2.3", text="再来一条留言。")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert post(site, addr="10.0.2.4", text="另一个客户端的留言。").status_code == 201
    preflight = site.options("/api/v1/messages", headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"})
    assert "POST" not in preflight.headers.get("Access-Control-Allow-Methods", "")


def test_openapi_documents_the_board(site):
    doc = site.get("/api/v1/openapi.json").get_json()
    assert "post" in doc["paths"]["/api/v1/messages"] and "get" in doc["paths"]["/api/v1/messages/{code}"]
    assert "NewMessage" in doc["components"]["schemas"]


def _token(html: str) -> str:
    """The public form's token (stateless: the page may be memoised for every visitor)."""
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def _staff_token(html: str) -> str:
    """The site's anti-forgery token on a staff form (bound to that staff session)."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_html_form_token_honeypot_and_origin(site):
    page = site.get(f"/messages/new?about=release:{PUBLIC_RELEASE}")
    assert page.status_code == 200
    token = _token(page.get_data(as_text=True))
    form = {"about": f"release:{PUBLIC_RELEASE}", "category": "suggestion", "text": "建议提供更长的时间序列。",
            "consent": "yes", "token": token, "lang": "zh"}
    env = {"REMOTE_ADDR": "10.0.3.1"}
    assert site.post("/messages", data={**form, "token": "1.2.3"}, environ_base=env).status_code == 400
    assert site.post("/messages", data={**form, "website": "http://spam"}, environ_base=env).status_code == 400
    assert site.post("/messages", data={k: v for k, v in form.items() if k != "consent"},
                     environ_base=env).status_code == 400
    assert site.post("/messages", data=form, environ_base=env,
                     headers={"Origin": "https://elsewhere.example"}).status_code == 400
    done = site.post("/messages", data=form, environ_base=env)
    assert done.status_code == 201
    text = done.get_data(as_text=True)
    code = re.search(r'id="query-code">([0-9A-Z-]{14})<', text).group(1)
    assert 'id="due-date"' in text and "no-store" in done.headers["Cache-Control"]
    assert site.get(f"/messages/{code}").status_code == 200
    embargoed = site.get(f"/messages/new?about=release:{EMBARGOED}")
    assert embargoed.status_code == 404


def test_release_series_and_topic_pages_carry_the_board(site):
    app = site.application.config["dash_app"]
    for path in (f"/release/{PUBLIC_RELEASE}", "/series/GDP", "/topic/national-accounts"):
        answer = site.post(UPDATE, json=router_body(app, path))
        text = answer.get_data(as_text=True)
        assert answer.status_code == 200 and '"message-form"' in text and '"ask-text"' in text, path
    before = site.post(UPDATE, json=router_body(app, f"/release/{EMBARGOED}")).get_data(as_text=True)
    assert "message-form" not in before


def flow(site, text: str, contact: str = "citizen@example.org") -> str:
    code = post(site, addr="10.0.4.1", text=text, contact=contact).get_json()["code"]
    li, zhao = as_staff(site, "li"), as_staff(site, "zhao")
    token = _staff_token(li.get(f"/staff/messages/{code}").get_data(as_text=True))
    assert li.post(f"/staff/messages/{code}", data={"action": "assign", "assignee": "li", "department": HOSTILE,
                                                   "csrf_token": token}).status_code == 303
    assert li.post(f"/staff/messages/{code}", data={"action": "reply", "question_zh": HOSTILE, "reply_zh": HOSTILE,
                                                   "publish": "yes", "csrf_token": token}).status_code == 303
    # another session's token (the reviewer's) does not carry the responder's form
    theirs = _staff_token(zhao.get(f"/staff/messages/{code}").get_data(as_text=True))
    assert li.post(f"/staff/messages/{code}", data={"action": "assign", "assignee": "li",
                                                   "csrf_token": theirs}).status_code == 403
    assert zhao.post(f"/staff/messages/{code}", data={"action": "review", "decision": "approve",
                                                     "csrf_token": theirs}).status_code == 303
    assert li.post("/staff/faq", data={"scope": "topic:national-accounts", "question_zh": HOSTILE,
                                       "answer_zh": HOSTILE, "sources": HOSTILE, "cites": code,
                                       "csrf_token": _staff_token(li.get("/staff/faq").get_data(as_text=True))}
                   ).status_code == 303
    return code


def test_hostile_text_is_escaped_on_every_page_and_export(site, tmp_path):
    code = flow(site, HOSTILE + " 关于数据的提问")
    assert site.get(f"/api/v1/messages/{code}").get_json()["reply"]["zh"] == HOSTILE
    pages = [f"/messages/{code}", "/messages", f"/messages?q={code[:2]}", "/faq/topic/national-accounts",
             "/messages/statistics", f"/messages?about=release:{PUBLIC_RELEASE}"]
    li = as_staff(site, "li")
    for client, path in [(site, p) for p in pages] + [(li, p) for p in (
            f"/staff/messages/{code}", "/staff/messages?view=all", "/staff/faq")]:
        answer = client.get(path)
        text = answer.get_data(as_text=True)
        assert answer.status_code == 200, path
        assert "<script>alert" not in text and "<img src=x" not in text, path
    assert "&lt;script&gt;" in li.get(f"/staff/messages/{code}").get_data(as_text=True)
    app = site.application.config["dash_app"]
    # (a search the memo has not seen: the site keeps public pages up to 10 s)
    answer = site.post(UPDATE, json=router_body(app, f"/release/{PUBLIC_RELEASE}", "?lang=zh"))
    dash_page = answer.get_data(as_text=True)
    # in the JSON React renders as text (never as markup)
    assert json.dumps(HOSTILE, ensure_ascii=False)[1:-1] in json.dumps(answer.get_json(), ensure_ascii=False)
    assert "<script>" not in dash_page and "dangerously" not in dash_page


@pytest.mark.parametrize("who, sees_contact, allowed", [
    ("li", True, True), ("zhao", False, True), ("pat", False, False), (None, False, False)])
def test_staff_matrix_of_contact_data(site, who, sees_contact, allowed):
    code = post(site, addr="10.0.5.1", text=f"联系方式可见性测试 {who}", contact="secret.person@example.org"
                ).get_json()["code"]
    client = as_staff(site, who) if who else site
    answer = client.get(f"/staff/messages/{code}")
    listing = client.get("/staff/messages?view=all")
    assert (answer.status_code == 200) is allowed and (listing.status_code == 200) is allowed
    assert ("secret.person@example.org" in answer.get_data(as_text=True)) is sees_contact
    assert "secret.person@example.org" not in listing.get_data(as_text=True)
    for public in (f"/messages/{code}", f"/api/v1/messages/{code}"):
        assert "secret.person" not in site.get(public).get_data(as_text=True)
    assert json.dumps(site.get(f"/api/v1/messages/{code}").get_json()).find("secret") < 0



def test_application_online_to_reply_letter(site):
    import io

    from docx import Document

    page = site.get("/applications/new").get_data(as_text=True)
    form = {"token": _token(page), "applicant_type": "natural_person", "applicant_name": "李四", "id_type": "身份证",
            "id_number": "310101199001015678", "contact": "lisi@example.org", "address": "示例路2号",
            "description": HOSTILE + " 2025年统计年鉴电子版", "preferred_form": "electronic", "preferred_channel": "email"}
    assert site.post("/applications", data={**form, "website": "x"}).status_code == 400
    done = site.post("/applications", data=form)
    assert done.status_code == 201
    number = re.search(r'id="application-number">([0-9-]+)<', done.get_data(as_text=True)).group(1)
    li, zhao, pat = as_staff(site, "li"), as_staff(site, "zhao"), as_staff(site, "pat")
    detail = li.get(f"/staff/applications/{number}").get_data(as_text=True)
    assert "李四" in detail and "<script>alert" not in detail
    assert li.post(f"/staff/applications/{number}", data={"action": "replied", "reason": "已答复",
                                                         "outcome": "disclosed", "token": "1.2.3"}).status_code == 403
    assert li.post(f"/staff/applications/{number}", data={"action": "replied", "reason": "已答复", "outcome": "disclosed",
                                                         "csrf_token": _staff_token(detail)}).status_code == 303
    letter = li.get(f"/staff/applications/{number}/reply.docx")
    assert letter.status_code == 200 and "no-store" in letter.headers["Cache-Control"]
    text = "\n".join(p.text for p in Document(io.BytesIO(letter.data)).paragraphs)
    assert number in text and "予以公开" in text and "六十日内" in text
    assert li.get(f"/staff/applications/{number}/extension.docx").status_code == 404
    assert "李四" not in zhao.get(f"/staff/applications/{number}").get_data(as_text=True)
    assert "李四" not in zhao.get("/staff/applications").get_data(as_text=True)
    assert pat.get("/staff/applications").status_code == 403
    assert site.get("/staff/applications").status_code == 403


def test_a_published_reply_is_on_the_pages_at_once_and_pages_stay_memoised(site):
    from statpub.dashboards.pagememo import MEMO_KEY
    from statpub.dashboards.services import EXTENSION_KEY
    from statpub.features.messages.board import Subject
    from statpub.features.messages.service import Office
    from tests.features.messages.conftest import RESPONDER, REVIEWER

    app, office = site.application.config["dash_app"], Office(site.application.config["board_settings"])
    memo = app.server.extensions[MEMO_KEY]
    body = router_body(app, "/topic/national-accounts", "?memo=1")
    first = site.post(UPDATE, json=body).get_data(as_text=True)
    renders = memo.renders
    assert site.post(UPDATE, json=body).get_data(as_text=True) == first and memo.renders == renders
    now = app.server.extensions[EXTENSION_KEY].clock.now()
    message = office.board.submit(Subject("topic", "national-accounts", "national-accounts"), "consultation",
                                  "地区生产总值的季度数据何时修订？", rating=None, contact=None, lang="zh",
                                  client_hash="memo-test", now=now)
    office.board.draft_reply(message.code, RESPONDER, now, question_zh="季度数据何时修订？",
                             reply_zh="季度数据在年度核实后修订（备忘测试）。", publish=True)
    assert site.post(UPDATE, json=body).get_data(as_text=True) == first  # not published yet: same page
    office.board.review(message.code, REVIEWER, now, approve=True)
    after = site.post(UPDATE, json=body).get_data(as_text=True)
    shown = json.dumps(json.loads(after), ensure_ascii=False)
    assert "年度核实后修订（备忘测试）" in shown and memo.renders == renders + 1  # at once, one render
    assert site.post(UPDATE, json=body).get_data(as_text=True) == after and memo.renders == renders + 1


def test_staff_list_views_and_pages(site):
    li = as_staff(site, "li")
    for view in ("open", "overdue", "due_soon", "all"):
        assert li.get(f"/staff/messages?view={view}&offset=0").status_code == 200, view
    assert li.get("/staff/messages?view=nope").status_code == 400
    assert li.get("/staff/messages?offset=-1").status_code == 400
    assert li.get("/staff/messages?view=all&offset=100000").status_code == 200


def test_the_staff_home_links_the_board_for_its_roles(site):
    for name, shown in (("li", True), ("zhao", True), ("pat", False)):
        home = as_staff(site, name).get("/staff").get_data(as_text=True)
        for path in ("/staff/messages", "/staff/applications", "/staff/faq"):
            assert (f'href="{path}"' in home) is shown, (name, path)
    assert site.get("/staff/messages").status_code == 403  # signed out: nothing, and the way to sign in
    assert "/staff/login" in site.get("/staff/messages").get_data(as_text=True)
