"""Where SQLite and PostgreSQL could answer differently, the board answers alike: the logs refuse
rewriting with the same error (and PostgreSQL's TRUNCATE too), the search of published replies
folds case in every script and full-width forms, and concurrent writers — rate limits, duplicates,
application numbers — are serialised the same way. Every test here runs on both engines."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from statpub.features.messages.board import Duplicate, Subject, TooMany
from tests.features.messages.conftest import RESPONDER, REVIEWER, at

RELEASE = Subject("release", "2025-q3-economy", "economy")


def answered(office, text: str, reply_en: str, when: str = "2026-02-10T09:00") -> str:
    message = office.board.submit(RELEASE, "consultation", text, rating=None, contact=None, lang="en",
                                  client_hash=f"c-{text}", now=at(when))
    now = at(when) + timedelta(days=1)
    office.board.draft_reply(message.code, RESPONDER, now, question_zh=text, reply_zh="见英文答复。",
                             reply_en=reply_en, publish=True)
    office.board.review(message.code, REVIEWER, now, approve=True)
    return message.code


def test_the_logs_refuse_rewriting_with_the_store_s_integrity_error(office):
    message = office.board.submit(RELEASE, "consultation", "请问数据何时修订？", rating=None, contact=None, lang="zh",
                                  client_hash="c", now=at("2026-02-10T09:00"))
    office.applications.intake(at("2026-03-02T10:00"), channel="online", applicant_type="natural_person",
                               applicant_name="张三", id_type="居民身份证", id_number="310101", contact="z@example.org",
                               address="示例市", description="2025年全市工业企业名录", preferred_form="electronic",
                               preferred_channel="email")
    statements = ["UPDATE message_events SET actor = 'someone else'", "DELETE FROM message_events",
                  "UPDATE application_events SET reason = 'rewritten'", "DELETE FROM application_events"]
    if office.store.dialect == "postgresql":
        statements += ["TRUNCATE message_events CASCADE", "TRUNCATE application_events CASCADE"]
    for statement in statements:
        with office.store.connect() as con, pytest.raises(office.store.IntegrityError, match="append-only"):
            con.execute(statement)
    assert [e["action"] for e in office.board.get(message.code).events] == ["received"]


def test_search_folds_case_in_every_script_and_full_width_forms(office):
    umlaut = answered(office, "Frage zur Übersicht der Preise", "The ÜBERSICHT table lists CPI by month.")
    wide = answered(office, "关于ＧＤＰ的问题：季度数据", "Quarterly GDP is cumulative.", "2026-02-10T10:00")
    found = {q: sorted(r["code"] for r in office.lists.published(q=q)[1])
             for q in ("übersicht", "ÜBERSICHT", "gdp", "ＧＤＰ", "cpi by", "季度")}
    assert found == {"übersicht": [umlaut], "ÜBERSICHT": [umlaut], "gdp": [wide], "ＧＤＰ": [wide],
                     "cpi by": [umlaut], "季度": [wide]}
    assert office.lists.published(q="100%")[0] == office.lists.published(q="_")[0] == 0


def race(n: int, work) -> list[object]:
    """Run `work(i)` in n threads at once; what each returned or raised."""
    results: list[object] = [None] * n
    start = threading.Barrier(n)

    def one(i: int) -> None:
        start.wait()
        try:
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test compares
            results[i] = error

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_writers_are_serialised_alike(office):
    limit = office.rules.messages.rate_per_hour
    now = at("2026-02-10T09:00")
    sent = race(limit + 4, lambda i: office.board.submit(RELEASE, "suggestion", f"并发留言第{i}条，内容各不相同。",
                                                         rating=None, contact=None, lang="zh", client_hash="same",
                                                         now=now))
    assert sum(not isinstance(r, Exception) for r in sent) == limit
    assert all(isinstance(r, TooMany) for r in sent if isinstance(r, Exception))
    twice = race(4, lambda i: office.board.submit(RELEASE, "suggestion", "同一条留言同时提交四次。", rating=None,
                                                  contact=None, lang="zh", client_hash=f"client-{i}", now=now))
    assert sum(not isinstance(r, Exception) for r in twice) == 1
    assert all(isinstance(r, Duplicate) for r in twice if isinstance(r, Exception))
    numbers = race(6, lambda i: office.applications.intake(
        at("2026-03-02T10:00"), channel="online", applicant_type="company", applicant_name=f"公司{i}",
        id_type="代码", id_number=f"9131{i}", contact=f"c{i}@example.org", address="示例市",
        description="企业名录的获取方式", preferred_form="paper", preferred_channel="post").number)
    assert sorted(numbers) == [f"2026-{n:05d}" for n in range(1, 7)]
