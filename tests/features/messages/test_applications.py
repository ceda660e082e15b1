"""Applications for government information on the legal clock: 20 working days across Spring
Festival and a 调休 Saturday, a 补正 that stops the clock and restarts it, one extension, a
third-party consultation not counted; who may see personal data; the yearly report's tables."""

from __future__ import annotations

from datetime import date

import pytest

from statpub.features.messages.board import Forbidden
from statpub.features.messages.config import ApplicationRules
from statpub.features.messages.legalclock import ClockEvent, legal_clock
from statpub.features.messages.report import yearly_report
from statpub.kernel.errors import UserError
from statpub.kernel.workdays import work_calendar
from tests.features.messages.conftest import PRESS, RESPONDER, REVIEWER, at
from tests.paths import REPO_ROOT

CAL = work_calendar(REPO_ROOT)
RULES = ApplicationRules()


def clock(*events, today=date(2026, 6, 1)):
    return legal_clock([ClockEvent(*e) for e in events], RULES, CAL, today)


def test_twenty_working_days_across_spring_festival_and_an_adjusted_saturday():
    c = clock(("received", date(2026, 2, 12)), today=date(2026, 2, 13))
    # 13 Feb, Saturday 14 Feb (调休), festival 15–23 off, then 24 Feb … 18 Mar
    assert c.due == date(2026, 3, 18) and not c.provisional and c.used_days == 1


def test_correction_stops_the_clock_and_restarts_it_from_the_completed_application():
    asked = clock(("received", date(2026, 3, 2)), ("correction_requested", date(2026, 3, 5)))
    assert asked.due is None and asked.paused == "correction" and asked.used_days == 3
    done = clock(("received", date(2026, 3, 2)), ("correction_requested", date(2026, 3, 5)),
                 ("corrected", date(2026, 3, 20)), today=date(2026, 3, 20))
    assert done.start == date(2026, 3, 20) and done.due == CAL.add(date(2026, 3, 20), 20).day == date(2026, 4, 20)


def test_one_extension_and_a_consultation_not_counted():
    extended = clock(("received", date(2026, 3, 2)), ("extended", date(2026, 3, 25), 20))
    assert extended.due == CAL.add(date(2026, 3, 2), 40).day and extended.extended_days == 20
    consulted = clock(("received", date(2026, 3, 2)), ("consultation_started", date(2026, 3, 9)),
                      ("consultation_ended", date(2026, 3, 16)))
    assert consulted.excluded_days == 5 and consulted.due == CAL.add(date(2026, 3, 2), 25).day
    assert clock(("received", date(2026, 3, 2)), ("consultation_started", date(2026, 3, 9))).paused == "consultation"


def test_an_unannounced_year_makes_the_due_date_provisional():
    assert clock(("received", date(2026, 12, 20)), today=date(2026, 12, 21)).provisional


def apply(office, when="2026-03-02T10:00", **extra):
    values = {"channel": "online", "applicant_type": "natural_person", "applicant_name": "张三",
              "id_type": "居民身份证", "id_number": "310101199001011234", "contact": "zhang@example.org",
              "address": "示例市人民路1号", "description": "2025年全市规模以上工业企业名录",
              "preferred_form": "electronic", "preferred_channel": "email", **extra}
    return office.applications.intake(at(when), **values)


def test_transitions_with_who_when_why_and_roles(office):
    a = apply(office)
    assert a.number == "2026-00001" and a.state == "received" and a.clock.due
    apps, now = office.applications, at("2026-03-05T10:00")
    with pytest.raises(Forbidden):
        apps.act(a.number, "correction_requested", REVIEWER, now, reason="内容不明确")
    asked = apps.act(a.number, "correction_requested", RESPONDER, now, reason="请说明所需名录的行业范围")
    assert asked.state == "awaiting_correction" and asked.clock.paused == "correction"
    with pytest.raises(UserError):
        apps.act(a.number, "replied", RESPONDER, now, reason="x", outcome="disclosed")  # not from this state
    back = apps.act(a.number, "corrected", RESPONDER, at("2026-03-10T10:00"), reason="补正材料已收到")
    assert back.clock.start == date(2026, 3, 10)
    with pytest.raises(Forbidden):
        apps.act(a.number, "extended", RESPONDER, now, reason="需要汇总", days=20, notified_on=date(2026, 3, 10))
    ext = apps.act(a.number, "extended", REVIEWER, at("2026-03-30T10:00"), reason="需要汇总多个部门的信息",
                   days=15, notified_on=date(2026, 3, 30))
    assert ext.clock.due == office.calendar.add(date(2026, 3, 10), 35).day
    with pytest.raises(UserError):
        apps.act(a.number, "extended", REVIEWER, now, reason="again", days=5, notified_on=date(2026, 3, 30))
    with pytest.raises(UserError):
        apps.act(a.number, "replied", RESPONDER, now, reason="x", outcome="not_disclosed")  # ground required
    done = apps.act(a.number, "replied", RESPONDER, at("2026-04-10T10:00"), reason="信息已公开",
                    outcome="not_disclosed", ground="state_secret")
    assert done.state == "replied" and done.clock.stopped and done.replied_on == "2026-04-10"
    steps = [(e["action"], e["actor"], e["reason"]) for e in done.events]
    assert steps[0][0] == "received" and steps[-1] == ("replied", "li.responder", "信息已公开")
    assert all("张三" not in str(e) and "310101" not in str(e) for e in done.events)


def test_personal_data_only_for_the_handling_role_and_deleted_after_retention(office):
    a = apply(office)
    assert office.applications.get(a.number, RESPONDER, date(2026, 3, 3)).applicant_name == "张三"
    assert office.applications.get(a.number, REVIEWER, date(2026, 3, 3)).applicant_name is None
    assert "applicant_name" not in office.applications.get(a.number, RESPONDER, date(2026, 3, 3)).to_dict()
    with pytest.raises(Forbidden):
        office.applications.get(a.number, PRESS, date(2026, 3, 3))
    office.applications.act(a.number, "withdrawn", RESPONDER, at("2026-03-04T10:00"), reason="申请人撤回")
    assert office.applications.purge_personal_data(at("2026-06-01T10:00"), 730) == 0
    assert office.applications.purge_personal_data(at("2028-06-01T10:00"), 730) == 1
    kept = office.applications.get(a.number, RESPONDER, date(2028, 6, 1))
    assert kept.applicant_name is None and kept.id_number is None and kept.description


def test_staff_enter_postal_applications_with_their_arrival_day(office):
    with pytest.raises(Forbidden):
        apply(office, channel="post")
    a = office.applications.intake(at("2026-03-04T10:00"), channel="post", applicant_type="company",
                                   applicant_name="示例公司", id_type="统一社会信用代码", id_number="91310000X",
                                   contact="021-5555-0000", address="示例市", description="企业名录的获取方式",
                                   preferred_form="paper", preferred_channel="post", received_on=date(2026, 3, 2),
                                   reader=RESPONDER)
    assert a.received_on == "2026-03-02" and a.clock.due == office.calendar.add(date(2026, 3, 2), 20).day


def test_yearly_report_tables(office):
    one, two, three = apply(office, "2025-12-29T10:00"), apply(office), apply(office, "2026-03-03T10:00",
                                                                              applicant_type="company")
    apps = office.applications
    apps.act(one.number, "replied", RESPONDER, at("2026-01-10T10:00"), reason="已公开", outcome="disclosed")
    apps.act(two.number, "replied", RESPONDER, at("2026-03-20T10:00"), reason="不掌握", outcome="unavailable",
             ground="not_held")
    apps.act(two.number, "review_recorded", RESPONDER, at("2026-05-20T10:00"), reason="复议决定维持",
             kind="reconsideration", result="upheld")
    report = yearly_report(office.store, 2026)
    assert report["new"]["total"] == 2 and report["new"]["company"] == 1
    assert report["carried_over_from_last_year"]["total"] == 1
    assert report["outcomes"]["disclosed"]["total"] == 1
    assert report["outcomes"]["unavailable"]["not_held"]["natural_person"] == 1
    assert report["carried_over_to_next_year"]["total"] == 1 and three.number.startswith("2026-")
    assert report["reconsideration"]["upheld"] == 1
    assert "张三" not in str(report)
