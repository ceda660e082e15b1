"""A message from submission to a reviewed, published reply and an FAQ entry citing it; the
rules around it (limits, duplicates, rate limits, who may do what, contact data) on two roots."""

from __future__ import annotations

import pytest

from statpub.features.messages.board import Duplicate, Forbidden, Subject, TooMany
from statpub.kernel.errors import NotFound, UserError
from tests.features.messages.conftest import PRESS, RESPONDER, RESPONDER_2, REVIEWER, at

RELEASE = Subject("release", "2025-q3-economy", "economy")


def submit(office, text="请问地区生产总值增长速度是按可比价格计算的吗？", client="c1", when="2026-02-10T09:00",
           category="consultation", **extra):
    values = {"rating": None, "contact": None, "lang": "zh", **extra}
    return office.board.submit(RELEASE, category, text, client_hash=client, now=at(when), **values)


def test_form_to_published_reply_to_faq(office):
    message = submit(office, contact="citizen@example.org")
    assert message.status == "received" and message.due_on and len(message.code) == 14
    board, now = office.board, at("2026-02-11T10:00")
    board.assign(message.code, RESPONDER, now, assignee="li.responder", department="综合处")
    board.draft_reply(message.code, RESPONDER, now, question_zh="地区生产总值增速是否按可比价格计算？",
                      reply_zh="是的，按可比价格计算。", reply_en="Yes, at comparable prices.", publish=True)
    total, _ = office.lists.published(about=RELEASE.key)
    assert total == 0  # not before review
    with pytest.raises(Forbidden):
        board.review(message.code, RESPONDER_2, now, approve=True)  # a responder cannot approve
    reviewed = board.review(message.code, REVIEWER, now, approve=True)
    assert reviewed.status == "answered" and reviewed.published_at and reviewed.contact is None  # reviewer: no contact
    total, rows = office.lists.published(about=RELEASE.key)
    assert total == 1 and rows[0]["question_zh"].startswith("地区生产总值增速") and "text" not in rows[0]
    assert office.lists.published(q="可比价格")[0] == 1 and office.lists.published(q="comparable")[0] == 1
    assert office.lists.published(q="100%")[0] == 0
    status = board.get(message.code).public_status()
    assert status["reply"]["zh"] == "是的，按可比价格计算。" and "contact" not in status
    entry = office.faq.save(RESPONDER, now, scope="topic:economy", question_zh="增速按什么价格计算？",
                            answer_zh="按可比价格计算。", sources="统计制度 /release/2025-q3-economy",
                            cites=[message.code])
    assert office.faq.entries("topic:economy")[0].citations == [message.code]
    assert entry.source_lines() == [("统计制度", "/release/2025-q3-economy")]
    actions = [e["action"] for e in board.get(message.code).events]
    assert actions == ["received", "assigned", "reply_submitted", "reply_approved", "published"]


def test_returned_reply_is_not_published_and_author_cannot_review_own(office):
    message = submit(office)
    now = at("2026-02-11T10:00")
    office.board.draft_reply(message.code, RESPONDER, now, question_zh="问", reply_zh="答", publish=True)
    returned = office.board.review(message.code, REVIEWER, now, approve=False, note="请补充数据来源")
    assert returned.reply_state == "draft" and returned.published_at is None and returned.status == "received"
    with pytest.raises(UserError):
        office.board.review(message.code, REVIEWER, now, approve=True)  # nothing waiting


def test_not_accepted_with_reason_and_unpublished_reply_stays_private(office):
    one, two = submit(office), submit(office, text="另一条留言：建议增加月度数据。", category="suggestion")
    now = at("2026-02-11T10:00")
    office.board.not_accept(one.code, RESPONDER, now, reason_zh="与本机关职责无关")
    assert office.board.get(one.code).public_status()["reason"]["zh"] == "与本机关职责无关"
    office.board.draft_reply(two.code, RESPONDER, now, question_zh="", reply_zh="谢谢建议。", publish=False)
    office.board.review(two.code, REVIEWER, now, approve=True)
    assert office.board.get(two.code).public_status()["reply"]["zh"] == "谢谢建议。"
    assert office.lists.published()[0] == 0


def test_text_limits_rating_and_contact_are_checked(office):
    with pytest.raises(UserError):
        submit(office, text="短")
    with pytest.raises(UserError):
        submit(office, text="x" * 2001)
    with pytest.raises(UserError):
        submit(office, category="evaluation", text="数据很及时，谢谢。")  # no rating
    with pytest.raises(UserError):
        submit(office, category="evaluation", text="数据很及时，谢谢。", rating=6)
    with pytest.raises(UserError):
        submit(office, text="数据很及时，谢谢。", rating=3)  # a rating only with an evaluation
    with pytest.raises(UserError):
        submit(office, contact="not a contact <script>")
    assert submit(office, category="evaluation", text="数据很及时，谢谢。", rating=5).rating == 5


def test_duplicates_and_rate_limits(office):
    submit(office)
    with pytest.raises(Duplicate):
        submit(office, text="  请问地区生产总值增长速度是按可比价格计算的吗？ ", client="c2", when="2026-02-10T10:00")
    for i in range(4):
        submit(office, text=f"第{i}条不同的留言内容。", when=f"2026-02-10T09:1{i}")
    with pytest.raises(TooMany) as caught:
        submit(office, text="第五条不同的留言内容。", when="2026-02-10T09:30")
    assert 0 < caught.value.retry_after <= 3600
    submit(office, text="另一个地址的留言内容。", client="c2", when="2026-02-10T09:31")  # others unaffected
    submit(office, text="一小时后再次留言的内容。", when="2026-02-10T10:05")


def test_roles_and_contact_matrix(office):
    message = submit(office, contact="+86 21 5555 0000")
    assert office.board.for_staff(message.code, RESPONDER).contact == "+86 21 5555 0000"
    assert office.board.for_staff(message.code, REVIEWER).contact is None
    with pytest.raises(Forbidden):
        office.board.for_staff(message.code, PRESS)
    with pytest.raises(Forbidden):
        office.board.assign(message.code, REVIEWER, at("2026-02-11T10:00"), assignee="x", department="y")
    with pytest.raises(NotFound):
        office.board.get("not-a-code")


def test_due_dates_follow_working_days_and_provisional_ones_are_recomputed(demo_office):
    # received on the Tuesday before Spring Festival 2026: 10 working days skip the festival and
    # count Saturday 14 February (调休)
    message = submit(demo_office, when="2026-02-10T09:00")
    assert message.due_on == "2026-03-02" and not message.due_provisional
    late = submit(demo_office, text="年底的留言，答复期限跨入下一年。", when="2026-12-28T09:00")
    assert late.due_provisional
    path = demo_office.settings.root / "workdays.yaml"
    path.write_text(path.read_text(encoding="utf-8") + """- year: 2027
  notice: {zh: 国务院办公厅关于2027年部分节假日安排的通知, en: Notice on 2027}
  holidays:
  - name: {zh: 元旦, en: New Year's Day}
    from: '2027-01-01'
    to: '2027-01-03'
""", encoding="utf-8")
    from statpub.features.messages.service import Office

    fresh = Office(demo_office.settings)
    assert fresh.lists.refresh_due_dates(at("2027-01-01T08:00")) == 1
    again = fresh.board.get(late.code)
    assert not again.due_provisional and again.due_on == "2027-01-12"
    assert again.events[-1]["action"] == "due_recomputed"


def test_overdue_and_due_soon_lists(office):
    old = submit(office, when="2026-01-05T09:00", category="error", text="表中数据有误，请核实。")
    new = submit(office, when="2026-02-10T09:00", text="关于新发布的数据的问题。")
    today = at("2026-01-09T09:00").date()  # due Monday 12 January: within 3 working days
    _, soon = office.lists.staff_list(REVIEWER, today, due_soon=True)
    assert [m.code for m in soon] == [old.code]
    later = at("2026-01-20T09:00").date()
    _, overdue = office.lists.staff_list(RESPONDER, later, overdue=True)
    assert [m.code for m in overdue] == [old.code] and overdue[0].overdue
    assert new.code not in [m.code for m in overdue]
    with pytest.raises(Forbidden):
        office.lists.staff_list(PRESS, later)


def test_open_list_counts_and_pages_only_open_messages(office):
    # Closed messages due earlier than the open ones must not crowd them off the first page.
    done = [submit(office, when=f"2026-01-{5 + i:02d}T09:00", client=f"old{i}", text=f"旧的留言第{i}条，已不予受理。")
            for i in range(4)]
    for message in done:
        office.board.not_accept(message.code, RESPONDER, at("2026-01-20T09:00"), reason_zh="与本机关职责无关")
    still = [submit(office, when=f"2026-02-{10 + i:02d}T09:00", client=f"new{i}", text=f"新的留言第{i}条，待办理。")
             for i in range(3)]
    today = at("2026-02-20T09:00").date()
    total, first = office.lists.staff_list(RESPONDER, today, open_only=True, limit=2)
    _, second = office.lists.staff_list(RESPONDER, today, open_only=True, limit=2, offset=2)
    assert total == 3 and [m.code for m in first + second] == [m.code for m in still]
    assert office.lists.staff_list(RESPONDER, today, limit=2)[0] == 7


def test_similar_messages_cluster_and_flag_at_the_threshold(office):
    from statpub.features.messages.stats import clusters

    def ask(i: int, text: str = "请问地区生产总值增长速度是按可比价格计算的吗？第{i}问", subject=RELEASE):
        return office.board.submit(subject, "consultation", text.format(i=i), rating=None, contact=None, lang="zh",
                                   client_hash=f"cluster{i}", now=at(f"2026-03-{2 + i:02d}T09:00"))

    first = [ask(i) for i in range(4)]
    ask(9, "希望下载页面提供英文版本。", Subject("topic", "prices", "prices"))
    today = at("2026-03-20T09:00").date()
    found = clusters(office.store, office.rules.messages, today)
    assert [(len(c.codes), c.flagged) for c in found] == [(4, False)]
    assert set(found[0].codes) == {m.code for m in first} and found[0].subjects == ("release:2025-q3-economy",)
    ask(4)  # the fifth: the office's threshold (5) is reached, the kept groups are stale
    assert [(len(c.codes), c.flagged) for c in clusters(office.store, office.rules.messages, today)] == [(5, True)]
    office.board.not_accept(first[0].code, RESPONDER, at("2026-03-20T10:00"), reason_zh="重复提问")
    again = clusters(office.store, office.rules.messages, today)
    assert [(len(c.codes), c.flagged) for c in again] == [(4, False)] and first[0].code not in again[0].codes
    assert clusters(office.store, office.rules.messages, at("2026-08-01T09:00").date()) == []  # past the window


def test_monthly_and_yearly_statistics_count_what_happened(office):
    from statpub.features.messages.stats import board_statistics

    def answer(message, day: str) -> None:
        office.board.assign(message.code, RESPONDER, at(f"{day}T09:00"), assignee="li", department="综合处")
        office.board.draft_reply(message.code, RESPONDER, at(f"{day}T10:00"), question_zh="问", reply_zh="答",
                                 publish=False)
        office.board.review(message.code, REVIEWER, at(f"{day}T11:00"), approve=True)

    # March 2026 has no holiday: the same working days on both roots.
    quick = submit(office, when="2026-03-02T09:00", client="s1", text="统计口径的问题一。")
    late = submit(office, when="2026-03-03T09:00", client="s2", category="error", text="表中数据有误，请核实。")
    submit(office, when="2026-03-04T09:00", client="s3", category="evaluation", rating=4, text="发布及时，图表清楚。")
    refused = submit(office, when="2026-03-05T09:00", client="s4", category="suggestion", text="建议增加月度数据。")
    submit(office, when="2026-04-01T09:00", client="s5", text="四月份的问题。")
    answer(quick, "2026-03-05")   # 3 working days, due in 10
    answer(late, "2026-03-13")    # 8 working days, due in 5: late
    office.board.not_accept(refused.code, RESPONDER, at("2026-03-06T09:00"), reason_zh="与本机关职责无关")
    march = board_statistics(office.store, office.calendar, "2026-03")
    total = march["total"]
    assert (total["received"], total["answered"], total["on_time"], total["not_accepted"], total["open"]) == (4, 2, 1, 1, 1)
    assert total["median_working_days"] == 5.5 and total["mean_rating"] == 4.0
    assert march["by_category"]["error"]["on_time"] == 0 and march["by_category"]["consultation"]["on_time"] == 1
    assert march["by_topic"]["economy"]["received"] == 4 and march["by_month"] is None
    year = board_statistics(office.store, office.calendar, "2026")
    assert year["total"]["received"] == 5 and list(year["by_month"]) == ["2026-03", "2026-04"]
    assert year["by_month"]["2026-03"] == total


def test_contact_data_is_deleted_after_retention_and_events_are_append_only(office):
    message = submit(office, contact="citizen@example.org")
    now = at("2026-02-11T10:00")
    office.board.draft_reply(message.code, RESPONDER, now, question_zh="问", reply_zh="答")
    office.board.review(message.code, REVIEWER, now, approve=True)
    assert office.lists.purge_contacts(at("2026-06-01T10:00"), 730) == 0
    assert office.lists.purge_contacts(at("2028-06-01T10:00"), 730) == 1
    assert office.board.for_staff(message.code, RESPONDER).contact is None
    with office.store.connect() as con, pytest.raises(Exception, match="append-only"):
        con.execute("UPDATE message_events SET actor = 'someone else'")
    with office.store.connect() as con, pytest.raises(Exception, match="append-only"):
        con.execute("DELETE FROM message_events")
