"""`statpub check`: consistency, disclosure, interpretations (both languages, tags, hand-typed
numbers), links; exit code 1 on errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from statpub.etl.review_config import ConsistencyRules
from statpub.review.consistency import Value, cumulative_findings, growth_findings
from statpub.review.links import extract_links
from statpub.warehouse.reader import ReleaseInfo, SeriesInfo
from tests.fixtures.content_edits import BEFORE_FINAL, edit_text
from tests.helpers import run_cli

RULES = ConsistencyRules(real_growth_gap_pp=5.0, nominal_growth_gap_pp=1.0, single_period_change_pct=60.0)


def _series(code: str, *, growth_of: str | None = None, prices: str | None = "current",
            cumulative: bool = True, measure: str = "flow") -> SeriesInfo:
    return SeriesInfo(code, "t", code, code, "亿元", "100 million yuan", "Q", measure, cumulative, 1, prices,
                      "", "", "", "", (), 0.0, growth_of, False, 0)


RELEASE = ReleaseInfo("r", "r", "r", "quarterly", datetime(2025, 7, 20, tzinfo=UTC), "confirmed",
                      timedelta(hours=24), ("X",), None, None, None, 1, 0, ())


def test_growth_vs_levels_by_hand():
    levels = {("L", "2025-Q2"): Value(110.0, "r"), ("L", "2024-Q2"): Value(100.0, "old")}  # +10.0 % nominal
    nominal = _series("G", growth_of="L", prices="current", measure="rate")
    real = _series("G", growth_of="L", prices="comparable", measure="rate")
    assert growth_findings(RELEASE, nominal, {**levels, ("G", "2025-Q2"): Value(10.5, "r")}, "2025-Q2", RULES) == []
    [finding] = growth_findings(RELEASE, nominal, {**levels, ("G", "2025-Q2"): Value(8.5, "r")}, "2025-Q2", RULES)
    assert finding.severity == "warning" and "-1.5 points" in finding.message
    assert growth_findings(RELEASE, real, {**levels, ("G", "2025-Q2"): Value(6.0, "r")}, "2025-Q2", RULES) == []
    [finding] = growth_findings(RELEASE, real, {**levels, ("G", "2025-Q2"): Value(2.0, "r")}, "2025-Q2", RULES)
    assert "real growth 2 % differs by -8.0 points" in finding.message


def test_cumulative_vs_single_period_by_hand():
    flow = _series("F")
    # Single Q2 = 250 - 100 = 150; a year before 220 - 100 = 120: +25 %, fine.
    values = {("F", "2025-Q1"): Value(100.0, "r"), ("F", "2025-Q2"): Value(250.0, "r"),
              ("F", "2024-Q1"): Value(100.0, "o"), ("F", "2024-Q2"): Value(220.0, "o")}
    assert cumulative_findings(RELEASE, flow, values, "2025-Q2", RULES) == []
    # 400 - 100 = 300 against 120: +150 %, for a human to confirm.
    [warning] = cumulative_findings(RELEASE, flow, {**values, ("F", "2025-Q2"): Value(400.0, "r")}, "2025-Q2", RULES)
    assert warning.severity == "warning" and "+150.0 %" in warning.message
    # A year-to-date total that falls gives a negative single period: an error.
    [error] = cumulative_findings(RELEASE, flow, {**values, ("F", "2025-Q2"): Value(90.0, "r")}, "2025-Q2", RULES)
    assert error.severity == "error"


def test_extract_links():
    text = "见[方法](/methods?lang=en#x)与<https://example.org/a>，另见 https://stats.example.gov.cn/b。"
    assert [u for u, _ in extract_links(text)] == ["/methods?lang=en#x", "https://example.org/a",
                                                   "https://stats.example.gov.cn/b"]


def test_check_a_clean_release_and_the_demo(loaded_copy):
    result = run_cli("check", "2025-q3-economy", "--json", settings=loaded_copy, now=BEFORE_FINAL)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == 0 and not report["load_failed"]
    result = run_cli("check", "--all", "--json", settings=loaded_copy, now=BEFORE_FINAL)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert {f["release"] for f in errors} == {"2026-annual-communique"}
    assert {f["where"] for f in errors} == {"releases/2026-annual-communique/interpretation.zh.md",
                                           "releases/2026-annual-communique/interpretation.en.md"}
    # The demo's invented figures agree with themselves: no warning at all (README, "Demo content").
    assert [f for f in report["findings"] if f["severity"] == "warning"] == []
    withheld = [f for f in report["findings"] if f["check"] == "disclosure" and f["release"] == "2019-annual-communique"]
    assert {(f["where"], f["message"].split(")")[0]) for f in withheld} == {
        ("GIO_SECTOR_STEEL@2019", "withheld (threshold"), ("GIO_SECTOR_AEROSPACE@2019", "withheld (secondary")}
    table = run_cli("check", "2026-annual-communique", settings=loaded_copy, now=BEFORE_FINAL)
    assert table.returncode == 1 and "no Chinese interpretation" in table.stdout


def test_check_finds_text_problems(loaded_copy):
    folder = loaded_copy.root / "releases" / "2026-q4-economy"
    edit_text(folder / "interpretation.zh.md", "## 工业生产",
              "全年货物出口17,336.57亿元，详见[方法说明](/no-such-page)与[日程](/calendar.ics)。\n\n## 工业生产")
    edit_text(folder / "interpretation.en.md", "## Industry", "See {{GIO_SECTOR_STEEL@2026}}.\n\n## Industry")
    result = run_cli("check", "2026-q4-economy", "--json", settings=loaded_copy, now=BEFORE_FINAL)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    # The tag naming a figure the release does not carry fails the load itself.
    assert report["load_failed"]
    assert any("GIO_SECTOR_STEEL@2026" in f["message"] for f in report["findings"])
    edit_text(folder / "interpretation.en.md", "See {{GIO_SECTOR_STEEL@2026}}.\n\n", "")
    report = json.loads(run_cli("check", "2026-q4-economy", "--json", settings=loaded_copy, now=BEFORE_FINAL).stdout)
    by_check = {(f["check"], f["severity"]): f for f in report["findings"]}
    typed = by_check[("interpretation", "warning")]
    assert "17336.57" in typed["message"] and "EXPORTS@2026-Q4" in typed["message"]
    link = by_check[("links", "error")]
    assert link["message"].startswith("/no-such-page") and link["where"].endswith("interpretation.zh.md:5")
    assert not [f for f in report["findings"] if "calendar.ics" in f["message"]]
    assert report["errors"] == 1


def test_check_refuses_an_interpretation_citing_a_withheld_cell(loaded_copy):
    folder = loaded_copy.root / "releases" / "2026-annual-communique"
    (folder / "interpretation.zh.md").write_text("# 公报\n\n精品钢材制造业产值{{GIO_SECTOR_STEEL@2026}}。\n", encoding="utf-8")
    (folder / "interpretation.en.md").write_text("# Communiqué\n\nSteel: {{GIO_SECTOR_STEEL@2026}}.\n", encoding="utf-8")
    report = json.loads(run_cli("check", "2026-annual-communique", "--json", settings=loaded_copy,
                                now=BEFORE_FINAL).stdout)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert len(errors) == 2 and all("withheld (confidential)" in f["message"] for f in errors)
