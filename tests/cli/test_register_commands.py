"""`statpub register [--due] [--json] | check | approve` and `statpub report annual YEAR --out DIR`, as
real processes, on the demo and on a county's register."""

from __future__ import annotations

import json

import docx

from tests.features.register.builder import MiniRegister
from tests.helpers import run_cli

NOW = "2026-12-10T09:00:00+08:00"


def test_due_lists_overdue_due_lapsing_and_lapsed(demo_settings):
    result = run_cli("register", "--due", "--json", settings=demo_settings, now=NOW)
    assert result.returncode == 0, result.stderr
    views = json.loads(result.stdout)
    assert [r["id"] for r in views["overdue"]] == ["2026-penalty-011"]
    assert views["overdue"][0]["due"] == "2026-12-01" and "needs approval" in views["overdue"][0]["why"]
    assert [r["id"] for r in views["due"]] == ["2026-survey-management-measures",
                                              "2026-survey-management-measures-reading"]
    assert [r["id"] for r in views["lapsing"]] == ["small-business-climate-survey"]
    assert [r["id"] for r in views["lapsed"]] == ["tourism-sample-survey"]
    text = run_cli("register", "--due", "--fail-overdue", settings=demo_settings, now=NOW)
    assert text.returncode == 1 and "2026-penalty-011" in text.stdout and "overdue (1)" in text.stdout


def test_catalogue_due_is_the_same_listing(demo_settings):
    register = run_cli("register", "--due", "--json", settings=demo_settings, now=NOW)
    catalogue = run_cli("catalogue", "--due", "--json", settings=demo_settings, now=NOW)
    assert catalogue.returncode == 0, catalogue.stderr
    assert json.loads(catalogue.stdout) == json.loads(register.stdout)
    assert run_cli("catalogue", "--due", "--fail-overdue", settings=demo_settings, now=NOW).returncode == 1


def test_annual_report_docx(demo_settings, tmp_path):
    result = run_cli("report", "annual", "2025", "--out", str(tmp_path), "--json", settings=demo_settings, now=NOW)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["public"] is True and [s["number"] for s in info["sections"]] == [1, 2, 3, 4, 5, 6]
    document = docx.Document(tmp_path / "annual-report-2025.docx")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2025年政府信息公开工作年度报告" in text and "草稿" not in text
    draft = run_cli("report", "annual", "2026", "--out", str(tmp_path), settings=demo_settings, now=NOW)
    assert draft.returncode == 0 and "DRAFT" in draft.stdout


def test_check_and_approve_on_a_second_office(tmp_path):
    reg = MiniRegister(tmp_path / "county")
    reg.item("document", "doc-one")
    reg.item("interpretation", "read-one")
    settings = reg.settings
    assert run_cli("register", "check", settings=settings).returncode == 0
    first = run_cli("register", "approve", "doc-one", "--reviewer", "审核员甲 Reviewer A", settings=settings,
                    now="2026-03-09T10:00:00+08:00")
    assert first.returncode == 0, first.stderr
    assert "read-one still needs approval" in first.stdout  # 三同步
    again = run_cli("register", "approve", "doc-one", "--reviewer", "审核员甲 Reviewer A", settings=settings,
                    now="2026-03-09T10:05:00+08:00")
    assert again.returncode == 1 and "already approved" in again.stderr
    missing = run_cli("register", "approve", "doc-two", "--reviewer", "X", settings=settings)
    assert missing.returncode == 1 and "did you mean doc-one" in missing.stderr
    reg.item("survey", "broken", matter="no-such-matter")
    bad = run_cli("register", "check", settings=settings)
    assert bad.returncode == 1 and "register/surveys/broken.yaml" in bad.stderr and "column matter" in bad.stderr
