"""The working-day engine: the demo's office data (2019–2026), a content root without any, a year
not yet announced (provisional, recomputed when its notice is entered), and bad data refused with
file, line and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from statpub.cli.main import main
from statpub.kernel.errors import ValidationFailed
from statpub.kernel.workdays import check_root, draft_year, load_rules, work_calendar
from tests.paths import REPO_ROOT

DEMO = work_calendar(REPO_ROOT)


def test_across_spring_festival_2026_with_its_adjusted_saturday():
    # 2026: Spring Festival 15–23 February off; Saturday 14 February is a working day (调休).
    assert DEMO.is_workday(date(2026, 2, 14)) and not DEMO.is_workday(date(2026, 2, 16))
    assert DEMO.add(date(2026, 2, 10), 3).day == date(2026, 2, 13)
    assert DEMO.add(date(2026, 2, 10), 4).day == date(2026, 2, 14)  # the Saturday counts
    assert DEMO.add(date(2026, 2, 10), 5).day == date(2026, 2, 24)  # the festival does not
    assert not DEMO.add(date(2026, 2, 10), 5).provisional
    # 20 working days from a receipt just before the festival (the legal reply limit)
    assert DEMO.add(date(2026, 2, 12), 20).day == date(2026, 3, 18)  # 13, 14 (Sat), 24–28 (Sat), 2–18 Mar


def test_national_day_and_count():
    assert DEMO.add(date(2025, 9, 30), 1).day == date(2025, 10, 9)
    assert DEMO.is_workday(date(2025, 9, 28)) and DEMO.is_workday(date(2025, 10, 11))  # Sunday, Saturday
    # 28 (Sunday, 调休), 29, 30 September; 9, 10, 11 (Saturday, 调休) October
    assert DEMO.count(date(2025, 9, 26), date(2025, 10, 12)) == 6


def test_a_root_without_rules_counts_weekdays_and_everything_is_provisional(tmp_path: Path):
    bare = work_calendar(tmp_path)
    deadline = bare.add(date(2026, 2, 10), 5)
    assert deadline.day == date(2026, 2, 17) and deadline.provisional


def test_an_unannounced_year_is_provisional_then_recomputed_when_the_notice_is_entered(tmp_path: Path):
    rules = {"years": [draft_year(2026)]}
    (tmp_path / "workdays.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    before = work_calendar(tmp_path).add(date(2026, 12, 28), 5)
    assert before.provisional and before.day == date(2027, 1, 4)  # weekdays only: 29 30 31 Dec, 1 4 Jan
    notice = {"year": 2027, "notice": {"zh": "国务院办公厅关于2027年部分节假日安排的通知", "en": "Notice on 2027"},
              "holidays": [{"name": {"zh": "元旦", "en": "New Year's Day"}, "from": "2027-01-01", "to": "2027-01-03"}],
              "workdays": []}
    rules["years"].append(notice)
    path = tmp_path / "workdays.yaml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    import os
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    after = work_calendar(tmp_path).add(date(2026, 12, 28), 5)
    assert not after.provisional and after.day == date(2027, 1, 5)
    assert work_calendar(tmp_path).fingerprint != work_calendar(REPO_ROOT).fingerprint


@pytest.mark.parametrize("edit, field, words", [
    (lambda y: y["holidays"][0].update({"to": "2025-01-01"}), "holidays[0]", "before it starts"),
    (lambda y: y["workdays"].append("2026-03-04"), "workdays", "weekday"),
    (lambda y: y["workdays"].append("2026-02-15"), None, "both a holiday"),
    (lambda y: y["holidays"][1].update({"to": "2027-02-23"}), None, "longer than 15 days"),
])
def test_bad_rules_are_refused_with_file_line_and_field(tmp_path: Path, edit, field, words):
    year = draft_year(2026)
    edit(year)
    (tmp_path / "workdays.yaml").write_text(yaml.safe_dump({"years": [year]}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_rules(tmp_path)
    problem = caught.value.problems[0]
    assert problem.file == "workdays.yaml" and problem.row and words in problem.message
    if field:
        assert field in problem.column


def test_the_demo_rules_agree_with_chinesecalendar_and_a_wrong_day_is_reported(tmp_path: Path):
    assert check_root(REPO_ROOT) == []
    year = draft_year(2025)
    year["workdays"] = [d for d in year["workdays"] if d != "2025-02-08"]
    (tmp_path / "workdays.yaml").write_text(yaml.safe_dump({"years": [year]}, allow_unicode=True), encoding="utf-8")
    messages = [p.message for p in check_root(tmp_path)]
    assert any("2025-02-08" in m and "not here" in m for m in messages)
    assert any("knows 2026" in m for m in messages)


def test_cli_add_check_and_draft(capsys):
    assert main(["--root", str(REPO_ROOT), "workdays", "add", "2026-02-10", "5"]) == 0
    assert capsys.readouterr().out.strip() == "2026-02-24"
    assert main(["--root", str(REPO_ROOT), "workdays", "add", "2026-12-28", "5", "--json"]) == 0
    assert '"provisional": true' in capsys.readouterr().out
    assert main(["--root", str(REPO_ROOT), "workdays", "check"]) == 0
    assert main(["--root", str(REPO_ROOT), "workdays", "add", "tomorrow", "5"]) == 1
    assert main(["--root", str(REPO_ROOT), "workdays", "draft", "2026"]) == 0
    assert "2026-02-14" in capsys.readouterr().out
