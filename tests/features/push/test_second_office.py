"""Push on a second, small content root (another office): its identity in every message, matching by
topic, series and kind, a release approved after its instant pushed at its approval (never at the
announced instant), and a notice of a reschedule with the old and new instant and the reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from statpub.etl.load import load
from statpub.features.push.config import push_config
from statpub.features.push.service import Push
from statpub.features.push.subscriptions import Interests
from statpub.kernel.clock import Clock, parse_instant
from tests.etl.builder import MiniRoot, approve_all

THREE = ["GDP", "PART_A", "PART_B"]
DATA = "series_code,period,value,status\nGDP,2024-Q1,12345.67,p\nPART_A,2024-Q1,4321.09,p\nPART_B,2024-Q1,8024.58,p\n"
Q1 = parse_instant("2024-04-19T10:00:00+08:00")
Q2 = parse_instant("2024-07-19T10:00:00+08:00")
TEXT = {"zh": "一季度全市生产总值{{GDP@2024-Q1}}。\n\n第二段。\n", "en": "GDP was {{GDP@2024-Q1}} in Q1.\n\nMore.\n"}


def office(tmp_path):
    root = MiniRoot(tmp_path)
    root.add("q1", "2024-04-19T10:00:00+08:00", THREE, [{"file": "d.csv", "layout": "long"}],
             {"d.csv": DATA, "interpretation.zh.md": TEXT["zh"], "interpretation.en.md": TEXT["en"]})
    root.add("q2", "2024-07-19T10:00:00+08:00", THREE, [{"file": "d.csv", "layout": "long"}],
             {"d.csv": DATA.replace("2024-Q1", "2024-Q2")},
             history=[{"date": "2024-04-19", "change": "rescheduled", "previous_instant": "2024-07-12T10:00:00+08:00",
                       "reason": {"zh": "配合全国数据发布安排", "en": "to follow the national schedule"}}])
    return root


def on_engine(settings, engine: str, request):
    """The same settings with the operational store on SQLite or on PostgreSQL."""
    if engine == "sqlite":
        return settings
    return replace(settings, database_url=request.getfixturevalue("database_url")())


def test_a_second_office_gets_its_own_identity_matching_and_notices(tmp_path, smtp_sink, http_receiver, store_engine,
                                                                    request):
    sink, url = smtp_sink
    root = office(tmp_path)
    settings = on_engine(root.settings, store_engine, request)
    before = Clock(start=Q1 - timedelta(days=2))
    load(settings, clock=before)
    approve_all(settings, before)
    config = push_config({"STATPUB_SMTP_URL": url})
    early = Push(settings, Clock(start=Q1 - timedelta(days=1)), config=config)
    subs = early.subscriptions
    subs.import_confirmed("topic@example.org", Interests(topics=("accounts",), notices=True), "zh", "each", "cli",
                          early.clock.now())
    subs.import_confirmed("series@example.org", Interests(series=("PART_A",)), "en", "each", "cli", early.clock.now())
    subs.import_confirmed("kind@example.org", Interests(kinds=("annual",)), "en", "each", "cli", early.clock.now())
    subs.add_org("park", "park", Interests(series=("PART_B",)), early.clock.now(), webhook_url=http_receiver.url + "/h")
    assert early.run_once()["built"]["events"] == 0
    at = Push(settings, Clock(start=Q1 + timedelta(seconds=1)), config=config)
    done = at.run_once()
    assert done["built"] == {"events": 2, "messages": 3, "webhooks": 1}  # the release (2 + 1), the notice (1)
    assert len(http_receiver.at("/h")) == 1 and done["webhooks"]["delivered"] == 1
    assert sorted(a for r in sink.received for a in r.recipients) == ["series@example.org", "topic@example.org",
                                                                      "topic@example.org"]
    release = [r.message for r in sink.received if "release.q1" in str(r.message["Message-ID"])]
    for mail in release:
        text = mail.get_body(("plain",)).get_content()
        assert "12,345.67" in text and ("测试市统计局" in text or "Statistics Office of Testville" in text)
        assert "测试市统计局" in str(mail["From"]) or "Statistics Office of Testville" in str(mail["From"])
    zh = next(m for m in release if m["Content-Language"] == "zh-CN").get_body(("plain",)).get_content()
    assert "一季度全市生产总值12,345.67亿元。" in zh and "第二段" not in zh
    notice = next(r.message for r in sink.received if "notice.q2" in str(r.message["Message-ID"]))
    body = notice.get_body(("plain",)).get_content()
    assert "配合全国数据发布安排" in body and "2024年7月12日 10:00" in body and "2024年7月19日 10:00" in body
    assert "12,345.67" not in body


def approve_at(settings, release_id: str, at: datetime) -> None:
    """A reviewer's approval recorded at `at` (after the instant: the release goes public then)."""
    from statpub.etl.approvals import Approval, append_approval
    from statpub.etl.review_config import approvals_path
    from statpub.warehouse.reader import WarehouseReader

    cur = WarehouseReader(settings.warehouse_dir).snapshot().cursor()
    row = cur.execute("SELECT content_hash, data_hash, texts_hash, entry_hash FROM release_content "
                      "WHERE release_id = ?", [release_id]).fetchone()
    cur.close()
    append_approval(approvals_path(settings.content), Approval(
        release=release_id, reviewer="测试审核员 Test Reviewer", approved_at=at, content_hash=row[0], data=row[1],
        texts=row[2], entry=row[3], user="test"))
    load(settings, clock=Clock(start=at))


def test_a_release_approved_late_is_pushed_at_its_approval(tmp_path, smtp_sink):
    sink, url = smtp_sink
    root = office(tmp_path)
    settings = root.settings
    load(settings, clock=Clock(start=Q1 - timedelta(days=2)))
    config = push_config({"STATPUB_SMTP_URL": url})
    push = Push(settings, Clock(start=Q1 + timedelta(hours=1)), config=config)
    push.subscriptions.import_confirmed("late@example.org", Interests(everything=True), "zh", "each", "cli",
                                       Q1 - timedelta(days=1))
    assert push.run_once()["built"]["messages"] == 0  # delayed: not approved, nothing goes out
    approved = datetime(2024, 4, 19, 4, 0, tzinfo=UTC)  # 12:00 Beijing, two hours after the instant
    approve_at(settings, "q1", approved)
    just_before = Push(settings, Clock(start=approved - timedelta(seconds=1)), config=config).run_once()
    assert just_before["built"]["messages"] == 0 and not sink.received  # (the q2 notice is for followers of notices)
    after = Push(settings, Clock(start=approved + timedelta(seconds=1)), config=config).run_once()
    assert after["built"]["messages"] == 1 and len(sink.received) == 1


def test_a_weekly_digest_lists_the_weeks_releases(tmp_path, smtp_sink, store_engine, request):
    from statpub.kernel.jobs import weekly_at

    sink, url = smtp_sink
    settings = on_engine(office(tmp_path).settings, store_engine, request)
    before = Clock(start=Q1 - timedelta(days=2))
    load(settings, clock=before)
    approve_all(settings, before)
    config = push_config({"STATPUB_SMTP_URL": url})
    monday = weekly_at(0, "09:00")(Q1)
    assert monday == parse_instant("2024-04-22T09:00:00+08:00")
    push = Push(settings, Clock(start=Q1 + timedelta(seconds=1)), config=config)
    push.subscriptions.import_confirmed("weekly@example.org", Interests(topics=("accounts",)), "en", "digest", "cli",
                                       Q1 - timedelta(days=1))
    assert push.run_once()["built"]["messages"] == 0  # not at each release
    later = Push(settings, Clock(start=monday + timedelta(seconds=1)), config=config)
    assert later.build_digest(monday)["messages"] == 1
    assert later.build_digest(monday)["messages"] == 0  # once
    later.deliver()
    mail = sink.to("weekly@example.org")[0].message
    body = mail.get_body(("plain",)).get_content()
    assert "q1" in body and "12,345.67" in body and mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_confirmations_are_not_repeated_within_ten_minutes(tmp_path, store_engine, request):
    settings = on_engine(office(tmp_path).settings, store_engine, request)
    push = Push(settings, Clock(start=Q1), config=push_config({}))
    interests = Interests(topics=("accounts",))
    assert push.request("someone@example.org", interests, "zh", "each", "web") is not None
    assert push.request("SOMEONE@example.org", interests, "en", "each", "api") is None
    later = Push(settings, Clock(start=Q1 + timedelta(minutes=11)), config=push_config({}))
    assert later.request("someone@example.org", interests, "en", "each", "web") is not None
    with later.store.connect() as con:
        assert con.execute("SELECT COUNT(*) FROM push_outbox").fetchone()[0] == 2
