"""The message board in a real Chromium, on a live server on 127.0.0.1 with its own operational
store: the public form on a release page (submit, query code and due date, status page), the FAQ
and the searchable list of published replies, and the staff area (assign, answer, review,
publish). axe-core finds no serious or critical violation on any of these pages; screenshots go to
tests/artifacts/."""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from werkzeug.serving import make_server

from statpub.dashboards.app import create_app
from statpub.features.messages import plugin as messages_plugin
from statpub.features.messages.jobs import SUMMARY_JOB, run_summary
from statpub.features.messages.service import Office
from statpub.features.staff import plugin as staff_plugin
from statpub.features.staff.service import accounts_for
from statpub.kernel.clock import Clock, parse_instant
from statpub.kernel.config import Settings
from statpub.kernel.jobs import Occurrence
from tests.fixtures.browser import AFTER_RELEASE
from tests.fixtures.press import private_site
from tests.helpers import free_port
from tests.paths import REPO_ROOT

pytestmark = pytest.mark.browser
RELEASE = "2025-gdp-final-verification"  # public from 2026-12-10 10:00 (AFTER_RELEASE is 5 s later)
TOPIC = "national-accounts"
STAFF = {"li": "responder", "zhao": "reviewer"}  # accounts of the staff feature: login → role


@dataclass
class BoardSite:
    url: str
    settings: Settings


@pytest.fixture(scope="module")
def board_site(tmp_path_factory, demo_settings) -> Iterator[BoardSite]:
    """The demo site with the board, served by a threaded server in this process, on a free port."""
    settings = private_site(tmp_path_factory.mktemp("board-browser"), demo_settings)
    shutil.copy(REPO_ROOT / "workdays.yaml", settings.root / "workdays.yaml")
    for name, role in STAFF.items():
        accounts_for(settings).add(name, role, password(name), parse_instant("2026-12-01T09:00:00+08:00"),
                                   display_name=f"{name} ({role})", organisation="示例市统计局")
    app = create_app(settings, Clock(start=parse_instant(AFTER_RELEASE)), plugins=[messages_plugin, staff_plugin])
    port = free_port()
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield BoardSite(f"http://127.0.0.1:{port}", settings)
    server.shutdown()
    server.server_close()


def check_page(page, axe_source: str, artifacts, name: str) -> None:
    """A full-page screenshot, then axe-core: no serious or critical violation."""
    page.screenshot(path=artifacts / f"messages-{name}.png", full_page=True)
    page.add_script_tag(content=axe_source)
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    (artifacts / f"axe-messages-{name}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1))
    bad = [v for v in found if v["impact"] in ("serious", "critical")]
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)


def password(name: str) -> str:
    return f"{name}-{STAFF[name]}-password"


def sign_in(page, site: BoardSite, name: str) -> None:
    """Sign in as a person does: the staff feature's form at /staff/login, then on to the board."""
    page.context.clear_cookies()
    page.goto(f"{site.url}/staff/login?next=/staff/messages")
    page.fill("#name", name)
    page.fill("#password", password(name))
    page.click("button:has-text('登录 Sign in')")
    page.wait_for_url(re.compile(r".*/staff/messages$"))


def test_the_public_form_on_a_release_page(board_site, page, axe_source, artifacts):
    page.goto(f"{board_site.url}/release/{RELEASE}")
    form = page.locator("#ask form.message-form")
    form.wait_for(timeout=30000)
    check_page(page, axe_source, artifacts, "release-form")
    page.select_option("#ask-category", "consultation")
    page.fill("#ask-text", "请问2025年地区生产总值最终核实数与初步核算数相差多少？")
    page.fill("#ask-contact", "citizen@example.org")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#query-code")
    code = page.inner_text("#query-code")
    due = page.get_attribute("#due-date", "datetime")
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert due == Office(board_site.settings).calendar.add(parse_instant(AFTER_RELEASE).date(), 10).day.isoformat()
    check_page(page, axe_source, artifacts, "receipt")
    page.click(f"a[href='/messages/{code}']")
    page.wait_for_selector("main dl")
    assert "已收到" in page.inner_text("main dl") and "citizen@" not in page.content()
    check_page(page, axe_source, artifacts, "status")


def publish_one(site: BoardSite, question: str, reply: str) -> str:
    """A message answered, reviewed and published, straight through the office's records."""
    from statpub.features.messages.subjects import Subject
    from tests.features.messages.conftest import RESPONDER, REVIEWER

    office = Office(site.settings)
    now = parse_instant(AFTER_RELEASE)
    message = office.board.submit(Subject("release", RELEASE, TOPIC), "consultation", question, rating=None,
                                  contact=None, lang="zh", client_hash="browser-faq", now=now - timedelta(hours=1))
    office.board.draft_reply(message.code, RESPONDER, now, question_zh=question, reply_zh=reply,
                             reply_en="Yes: the final verification revises the preliminary figure.", publish=True)
    office.board.review(message.code, REVIEWER, now, approve=True)
    office.faq.save(RESPONDER, now, scope=f"topic:{TOPIC}", question_zh="最终核实数为什么与初步核算数不同？",
                    answer_zh="最终核实使用了更完整的年度统计资料。", answer_en="Final verification uses fuller annual data.",
                    sources="国民经济核算制度 /release/" + RELEASE, cites=[message.code])
    return message.code


def test_the_faq_and_the_published_replies(board_site, page, axe_source, artifacts):
    code = publish_one(board_site, "最终核实后地区生产总值是否修订？", "是的，最终核实数对初步核算数作了修订。")
    page.goto(f"{board_site.url}/faq/topic/{TOPIC}")
    page.wait_for_selector("main article")
    assert "最终核实使用了更完整的年度统计资料" in page.inner_text("main") and code in page.inner_text("main")
    check_page(page, axe_source, artifacts, "faq")
    page.goto(f"{board_site.url}/messages?lang=en")
    page.fill("#q", "final verification")
    page.click("form[role=search] button")
    page.wait_for_url(re.compile(r"q=final"))
    assert "the final verification revises" in page.inner_text("main")
    check_page(page, axe_source, artifacts, "replies-en")
    page.goto(f"{board_site.url}/release/{RELEASE}")
    page.wait_for_selector("#published-replies article")
    assert "最终核实数对初步核算数作了修订" in page.inner_text("#published-replies")


def staff_open(page, site: BoardSite, code: str) -> None:
    page.goto(f"{site.url}/staff/messages")
    page.click(f"a[href='/staff/messages/{code}']")
    page.wait_for_selector("h2:has-text('记录 Log')")


def test_the_staff_area_assign_answer_review_publish(board_site, page, axe_source, artifacts):
    from statpub.features.messages.subjects import Subject

    office = Office(board_site.settings)
    message = office.board.submit(Subject("topic", TOPIC, TOPIC), "suggestion", "建议在发布页提供季度数据的长序列下载。",
                                  rating=None, contact="+86 21 5555 0101", lang="zh", client_hash="browser-staff",
                                  now=parse_instant(AFTER_RELEASE) - timedelta(minutes=5))
    now = parse_instant(AFTER_RELEASE)
    run_summary(board_site.settings, Occurrence(SUMMARY_JOB, now, 1, lambda: now))  # the morning's job
    sign_in(page, board_site, "li")
    page.goto(f"{board_site.url}/staff/messages")
    page.wait_for_selector("main table")
    assert "每日摘要 Daily summary 2026-12-10" in page.inner_text("#daily-summary")
    check_page(page, axe_source, artifacts, "staff-list")
    staff_open(page, board_site, message.code)
    assert "+86 21 5555 0101" in page.inner_text("main dl")  # the responder sees the contact
    check_page(page, axe_source, artifacts, "staff-message")
    page.fill("#department", "综合处")
    page.click("button:has-text('分派 Assign')")
    page.wait_for_selector("text=assigned")
    page.fill("#question_zh", "建议提供季度数据的长序列下载。")
    page.fill("#reply_zh", "感谢建议。季度数据的长序列可在数据浏览页下载。")
    page.check("#publish")
    page.click("button:has-text('送审 Send for review')")
    page.wait_for_selector("text=submitted")
    sign_in(page, board_site, "zhao")
    staff_open(page, board_site, message.code)
    assert "+86 21 5555 0101" not in page.content()  # the reviewer does not
    check_page(page, axe_source, artifacts, "staff-review")
    page.click("button:has-text('批准 Approve')")
    page.wait_for_selector("li:has-text('published')")
    page.context.clear_cookies()
    page.goto(f"{board_site.url}/messages?about=topic:{TOPIC}")
    assert "季度数据的长序列可在数据浏览页下载" in page.inner_text("main")
    assert office.board.get(message.code).published_at is not None
