"""Search: a real full-text index (SQLite FTS5 over jieba's words), ranked, in Chinese and English,
and never holding embargoed text before its instant — proven on the index file itself."""

from __future__ import annotations

import sqlite3

import pytest

from statpub.dashboards.hooks import plugin_manager
from statpub.etl.load import load
from statpub.features.register.search.index import SearchIndex, search
from statpub.features.register.search.segment import parse_query
from statpub.kernel.clock import Clock
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from tests.features.register.builder import MiniRegister, before, beijing

PUBLISHED = "2026-02-10T10:00:00"
EMBARGOED = "2026-03-10T10:00:00"
SECRET_ZH = "县级统计调查项目清单每年三月公布一次"
SECRET_EN = "The county publishes the list of its surveys every March"
OPEN_ZH = "统计数据质量是统计工作的生命线"


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> MiniRegister:
    reg = MiniRegister(tmp_path_factory.mktemp("search") / "county")
    reg.item("document", "doc-open", instant=f"{PUBLISHED}+08:00",
             title={"zh": "县统计数据质量规定", "en": "County rules on data quality"})
    reg.item("interpretation", "read-open", interprets="doc-open", instant=f"{PUBLISHED}+08:00",
             text={"zh": f"## 背景\n\n{OPEN_ZH}。各乡镇统计站要建立台账。", "en": "Quality is the lifeline of statistics."})
    reg.item("document", "doc-secret", instant=f"{EMBARGOED}+08:00",
             title={"zh": "县统计调查管理办法", "en": "County survey management rules"})
    reg.item("interpretation", "read-secret", interprets="doc-secret", instant=f"{EMBARGOED}+08:00",
             text={"zh": f"## 变化\n\n{SECRET_ZH}，接受社会监督。", "en": f"{SECRET_EN}, open to scrutiny."})
    for item_id, when in (("doc-open", PUBLISHED), ("read-open", PUBLISHED), ("doc-secret", EMBARGOED),
                          ("read-secret", EMBARGOED)):
        reg.approve(item_id, before(when))
    load(reg.settings, clock=Clock(start=beijing("2026-02-01T00:00:00")))
    return reg


def index_at(reg: MiniRegister, when: str):
    gate = Gate(WarehouseReader(reg.settings.warehouse_dir).snapshot(), beijing(when))
    return SearchIndex(reg.settings, plugin_manager().hook).ensure(gate)


def test_a_phrase_of_a_published_interpretation_is_found_and_an_embargoed_one_is_not(county):
    path = index_at(county, "2026-03-10T09:59:59")
    assert search(path, f'"{OPEN_ZH}"').hits[0].url == "/register/interpretation/read-open"
    assert search(path, f'"{SECRET_ZH}"').total == 0
    assert search(path, '"publishes the list of its surveys"').total == 0
    # not merely unfound: the words are nowhere in the index file
    raw = path.read_bytes()
    for text in (SECRET_ZH, "每年三月公布", "county publishes", "survey management"):
        assert text.encode() not in raw
    with sqlite3.connect(path) as con:
        rows = con.execute("SELECT title_text || body_text FROM docs").fetchall()
    assert not any("清单" in text for (text,) in rows)

    after = index_at(county, "2026-03-10T10:00:00")
    assert after != path  # a new public state: a new index, built from the gate at the instant
    found = search(after, f'"{SECRET_ZH}"')
    assert [h.url for h in found.hits] == ["/register/interpretation/read-secret"]
    assert "<mark>" not in found.hits[0].excerpt and SECRET_ZH in found.hits[0].excerpt
    assert search(after, '"publishes the list of its surveys"', lang="en").total == 1


def test_words_not_substrings_and_subwords_for_recall(county):
    path = index_at(county, "2026-04-01T00:00:00")
    assert search(path, "调查 管理").total >= 1  # every word somewhere
    assert search(path, "调查项目").total >= 1  # a jieba word inside the text
    assert search(path, "统计站").total == 1
    assert search(path, "lists surveyed", lang="en").total == 1  # English stems: list, survey


def test_titles_rank_above_texts(county):
    path = index_at(county, "2026-04-01T00:00:00")
    hits = search(path, "数据质量", lang="zh").hits
    assert hits[0].title == "县统计数据质量规定"


def test_queries_are_data_not_syntax(county):
    path = index_at(county, "2026-04-01T00:00:00")
    for hostile in ('"', 'NEAR(a b)', "title:secret", "a OR b", "*", "') DROP TABLE docs; --", "\\"):
        search(path, hostile)  # no FTS5 syntax error reaches the caller
    assert parse_query("   ")[0] is None and search(path, "!!!").total == 0
    expression, marks = parse_query('统计 "数据质量" OR')
    assert expression.count('"') % 2 == 0 and marks[:1] == ["统计"]
