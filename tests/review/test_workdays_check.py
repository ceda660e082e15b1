"""`statpub check` reviews the office's working-day rules (workdays.yaml) beside the releases: a
file that does not validate is an error, a day that disagrees with chinesecalendar a warning; the
demo's file is clean, and a root without one has nothing to review."""

from __future__ import annotations

import json
import shutil

from statpub.kernel.config import Settings
from statpub.review.checks import workdays_findings
from tests.etl.builder import MiniRoot
from tests.helpers import run_cli
from tests.paths import REPO_ROOT

DATA = "series_code,period,value,status\nGDP,2024-Q1,12345.67,p\n"
# 2024 as the State Council announced it, but with the Spring Festival a day short (a typo).
SHORT_FESTIVAL = """years:
- year: 2024
  notice: {zh: 国务院办公厅关于2024年部分节假日安排的通知, en: Notice on holidays in 2024}
  holidays:
  - name: {zh: 春节, en: Spring Festival}
    from: '2024-02-10'
    to: '2024-02-16'
  workdays: ['2024-02-04', '2024-02-18']
"""


def test_the_demo_rules_are_clean_and_no_file_means_nothing_to_review(tmp_path):
    demo = tmp_path / "demo"
    demo.mkdir()
    shutil.copy(REPO_ROOT / "workdays.yaml", demo / "workdays.yaml")
    assert workdays_findings(Settings(root=demo, warehouse_dir=tmp_path / "wh")) == []
    assert workdays_findings(MiniRoot(tmp_path / "mini").settings) == []


def test_a_bad_file_is_an_error_and_a_disagreement_a_warning(tmp_path):
    mini = MiniRoot(tmp_path / "mini")
    (mini.root / "workdays.yaml").write_text("years:\n- year: 2024\n  holidays: nope\n", encoding="utf-8")
    broken = workdays_findings(mini.settings)
    assert broken and {f.severity for f in broken} == {"error"} and all("workdays.yaml" in f.where for f in broken)
    (mini.root / "workdays.yaml").write_text(SHORT_FESTIVAL, encoding="utf-8")
    found = workdays_findings(mini.settings)
    assert {f.severity for f in found} == {"warning"}
    assert any("2024-02-17" in f.message and "years[2024].holidays" in f.where for f in found)


def test_statpub_check_reports_them_on_a_second_office(tmp_path):
    mini = MiniRoot(tmp_path / "mini")
    mini.add("q1", "2024-04-19T10:00:00+08:00", ["GDP"], [{"file": "d.csv", "layout": "long"}], {"d.csv": DATA},
             provenance=True)
    (mini.root / "workdays.yaml").write_text(SHORT_FESTIVAL, encoding="utf-8")
    result = run_cli("check", "--all", "--json", settings=mini.settings, now="2024-04-01T09:00:00+08:00")
    report = json.loads(result.stdout)
    workdays = [f for f in report["findings"] if f["check"] == "workdays"]
    assert workdays and {f["severity"] for f in workdays} == {"warning"}, result.stderr
