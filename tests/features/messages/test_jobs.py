"""The board's jobs with the one scheduler, on the injectable clock, on both content roots and both
engines: the daily summary runs at its time of day (not a second before), once across schedulers,
and is kept without text or contact data; retention deletes contact and personal data at its time
and keeps the records; the times come from the office's messages.yaml, read at each look."""

from __future__ import annotations

import json
from datetime import date, timedelta

from statpub.cli.scheduler_commands import load_jobs
from statpub.features.messages import plugin as messages_plugin
from statpub.features.messages.board import Subject
from statpub.features.messages.jobs import RETENTION_JOB, SUMMARY_JOB, latest_summary, message_jobs
from statpub.features.messages.service import Office
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings
from statpub.kernel.jobs import collect_jobs, job_plugins
from statpub.store import open_store
from statpub.store.scheduler import Scheduler, instant_key
from tests.features.messages.conftest import RESPONDER, REVIEWER, at
from tests.paths import REPO_ROOT

SUBJECT = Subject("topic", "prices", "prices")
SECRET_TEXT = "表3的数据有误，请核实（留言正文不应出现在摘要里）。"


def ran(settings) -> dict[str, list[tuple[str, str]]]:
    """Each job's settled runs: [(due instant, state)]."""
    with open_store(settings).connect() as con:
        rows = con.execute("SELECT job, due_at, state FROM scheduler_runs WHERE job LIKE 'messages.%' "
                           "ORDER BY job, due_at").fetchall()
    found: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        found.setdefault(row["job"], []).append((row["due_at"], row["state"]))
    return found


def scheduler_at(settings, instant) -> Scheduler:
    """A scheduler (another process, as far as the store knows) whose clock reads `instant`."""
    return Scheduler(open_store(settings), Clock(start=instant), message_jobs(settings), max_sleep=1)


def run_at(settings, instant) -> int:
    scheduler = scheduler_at(settings, instant)
    try:
        return scheduler.run_once()
    finally:
        scheduler.close()


def test_the_board_registers_its_jobs_with_the_one_scheduler(office_settings):
    names = [job.name for job in collect_jobs(job_plugins([messages_plugin]), office_settings)]
    assert names == [RETENTION_JOB, SUMMARY_JOB]


def test_statpub_scheduler_finds_them_through_the_entry_points(tmp_path):
    installed = [job.name for job in load_jobs(Settings(root=REPO_ROOT, warehouse_dir=tmp_path / "wh"))]
    assert {SUMMARY_JOB, RETENTION_JOB} <= set(installed) and "scheduler.prune" in installed


def test_times_of_day_come_from_the_office_and_need_no_restart(office_settings):
    jobs = {job.name: job for job in message_jobs(office_settings)}
    after = at("2026-03-02T00:00")
    assert jobs[SUMMARY_JOB].next_due(after) == at("2026-03-02T08:30")
    assert jobs[RETENTION_JOB].next_due(after) == at("2026-03-02T03:50")
    (office_settings.root / "messages.yaml").write_text(
        "schedule:\n  summary_at: '07:15'\n  retention_at: '02:00'\n", encoding="utf-8")
    assert jobs[SUMMARY_JOB].next_due(after) == at("2026-03-02T07:15")
    assert jobs[RETENTION_JOB].next_due(after) == at("2026-03-02T02:00")


def test_the_daily_summary_at_its_time_once_without_text_or_contact(office_settings):
    office = Office(office_settings)
    late = office.board.submit(SUBJECT, "error", SECRET_TEXT, rating=None, contact="private@example.org",
                               lang="zh", client_hash="c1", now=at("2026-01-05T09:00"))
    office.board.submit(SUBJECT, "consultation", "请问价格指数的基期是哪一年？", rating=None, contact=None, lang="zh",
                        client_hash="c1", now=at("2026-01-19T09:00"))
    application = office.applications.intake(
        at("2025-12-01T10:00"), channel="online", applicant_type="company", applicant_name="秘密公司",
        id_type="代码", id_number="913100", contact="x@example.org", address="地址", description="所需信息的描述",
        preferred_form="paper", preferred_channel="post")
    due = at("2026-01-20T08:30")
    run_at(office_settings, due - timedelta(seconds=1))  # the night's retention, not yet the summary
    assert latest_summary(office.store) is None and SUMMARY_JOB not in ran(office_settings)
    assert run_at(office_settings, due + timedelta(milliseconds=300)) == 1
    kept = latest_summary(office.store)
    assert kept["date"] == "2026-01-20" and [m["code"] for m in kept["overdue"]] == [late.code]
    assert kept["by_status"] == {"received": 2}
    assert [a["number"] for a in kept["applications"]["overdue"]] == [application.number]
    text = json.dumps(kept, ensure_ascii=False)
    assert "private@" not in text and "表3" not in text and "秘密公司" not in text and "913100" not in text
    # Another scheduler (another process or node) finds the day's summary settled.
    assert run_at(office_settings, due + timedelta(seconds=5)) == 0
    assert ran(office_settings)[SUMMARY_JOB] == [(instant_key(due), "done")]
    # The next morning's summary replaces nothing of the day before: one row per day.
    run_at(office_settings, due + timedelta(days=1, milliseconds=300))
    assert latest_summary(office.store)["date"] == "2026-01-21" and len(ran(office_settings)[SUMMARY_JOB]) == 2


def test_retention_deletes_contact_and_personal_data_at_its_time(office_settings):
    office = Office(office_settings)
    message = office.board.submit(SUBJECT, "consultation", "请问价格指数的基期是哪一年？", rating=None,
                                  contact="citizen@example.org", lang="zh", client_hash="c2",
                                  now=at("2026-02-10T09:00"))
    office.board.draft_reply(message.code, RESPONDER, at("2026-02-11T10:00"), question_zh="基期？", reply_zh="2020年。")
    office.board.review(message.code, REVIEWER, at("2026-02-11T11:00"), approve=True)
    application = office.applications.intake(
        at("2026-03-02T10:00"), channel="online", applicant_type="natural_person", applicant_name="张三",
        id_type="居民身份证", id_number="310101199001011234", contact="zhang@example.org", address="示例市",
        description="2025年全市规模以上工业企业名录", preferred_form="electronic", preferred_channel="email")
    office.applications.act(application.number, "withdrawn", RESPONDER, at("2026-03-04T10:00"), reason="申请人撤回")
    (office_settings.root / "messages.yaml").write_text("retention_days: 30\n", encoding="utf-8")
    # 30 days after the reply (11 February, 11:00): 13 March's run keeps the contact, 14 March's deletes it.
    assert run_at(office_settings, at("2026-03-13T03:50") + timedelta(milliseconds=300)) == 1
    assert office.board.for_staff(message.code, RESPONDER).contact == "citizen@example.org"
    assert run_at(office_settings, at("2026-03-14T03:50") + timedelta(milliseconds=300)) == 1
    kept = office.board.for_staff(message.code, RESPONDER)
    assert kept.contact is None and kept.reply_zh == "2020年。" and kept.events[-1]["actor"] == "system"
    assert office.applications.get(application.number, RESPONDER, date(2026, 3, 14)).applicant_name == "张三"
    # The application, withdrawn on 4 March, on the night 30 days after that day.
    assert run_at(office_settings, at("2026-04-04T03:50") + timedelta(milliseconds=300)) == 1
    gone = office.applications.get(application.number, RESPONDER, date(2026, 4, 4))
    assert gone.applicant_name is None and gone.id_number is None and gone.description
    assert gone.events[-1]["action"] == "personal_data_deleted"
    with office.store.connect() as con:
        assert con.execute("SELECT count(*) AS n FROM message_submissions").fetchone()["n"] == 0
    assert ran(office_settings)[RETENTION_JOB][-1][1] == "done"
