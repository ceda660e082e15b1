"""The command line as an operator uses it: help, exit codes, readable errors, no tracebacks."""

from __future__ import annotations

import json

import pytest

from statpub.cli.main import COMMANDS, build_parser
from tests.etl.builder import MiniRoot
from tests.helpers import run_cli


def test_help_lists_every_command():
    result = run_cli("--help")
    assert result.returncode == 0
    build_parser()
    for name in COMMANDS:
        assert name in result.stdout
        sub = run_cli(name, "--help")
        assert sub.returncode == 0 and "usage: statpub" in sub.stdout


def test_usage_error_exits_two():
    assert run_cli("no-such-command").returncode == 2
    assert run_cli("serve", "--port", "not-a-number").returncode == 2


def test_calendar_and_status(demo_settings):
    result = run_cli("calendar", "--json", settings=demo_settings, now="2026-12-10T09:59:59+08:00")
    assert result.returncode == 0, result.stderr
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["2026-q3-economy"]["public"] is True
    assert rows["2025-gdp-final-verification"]["public"] is False
    assert rows["2025-gdp-final-verification"]["instant"] == "2026年12月10日 10:00（北京时间）"
    status = run_cli("status", "--json", settings=demo_settings, now="2026-12-10T10:00:01+08:00")
    info = json.loads(status.stdout)
    assert info["latest_public"] == "2025-gdp-final-verification"
    assert info["next_instant"] == "2027-01-20T02:00:00+00:00"
    assert "2026-q4-economy" in info["embargoed"]
    text = run_cli("calendar", settings=demo_settings)
    assert text.returncode == 0 and "2026-q4-economy" in text.stdout


def test_load_validation_error_is_readable_and_exits_one(tmp_path):
    root = MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", ["GDP"], [{"file": "d.csv", "layout": "long"}],
                                  {"d.csv": "series_code,period,value\nGDP,2024-Q9,1\n"})
    result = run_cli("load", settings=root.settings)
    assert result.returncode == 1
    assert "releases/r1/d.csv, row 2, column B (period): '2024-Q9' is not a period" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("now", ["2026-12-10T10:00:00", "yesterday"])
def test_malformed_clock_is_a_user_error(demo_settings, now):
    result = run_cli("status", settings=demo_settings, now=now)
    assert result.returncode == 1
    assert "STATPUB_NOW" in result.stderr and "Traceback" not in result.stderr


def test_status_before_any_load_says_what_to_do(tmp_path):
    root = MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", ["GDP"], [{"file": "d.csv", "layout": "long"}])
    result = run_cli("status", settings=root.settings)
    assert result.returncode == 1 and "statpub load" in result.stderr


def test_load_json_and_quiet(tmp_path):
    root = MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", ["GDP", "PART_A", "PART_B"],
                                  [{"file": "d.csv", "layout": "long"}],
                                  {"d.csv": "series_code,period,value\nGDP,2024-Q1,3\nPART_A,2024-Q1,1\nPART_B,2024-Q1,2\n"})
    result = run_cli("load", "--json", settings=root.settings)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["loaded"] == ["r1"]
    quiet = run_cli("load", "--quiet", settings=root.settings)
    assert quiet.returncode == 0 and quiet.stdout == ""


def test_import_history_brings_in_what_was_published_before_adopting(tmp_path):
    data = "series_code,period,value\nGDP,2024-Q1,100\nPART_A,2024-Q1,40\nPART_B,2024-Q1,60\n"
    root = MiniRoot(tmp_path)
    root.calendar_top = {"adopted": "2024-06-01T00:00:00+08:00"}
    root.add("old", "2024-04-19T10:00:00+08:00", ["GDP", "PART_A", "PART_B"], [{"file": "d.csv", "layout": "long"}],
             {"d.csv": data}, provenance=True)
    root.add("new", "2024-07-19T10:00:00+08:00", ["GDP", "PART_A", "PART_B"], [{"file": "d.csv", "layout": "long"}],
             {"d.csv": data.replace("2024-Q1", "2024-Q2").replace("100", "210").replace("40", "85")
              .replace("60", "125")})
    now = "2024-08-01T10:00:00+08:00"
    assert run_cli("load", settings=root.settings, now=now).returncode == 0
    rows = {r["id"]: r for r in json.loads(run_cli("calendar", "--json", settings=root.settings, now=now).stdout)}
    assert rows["old"]["status"] == "history" and rows["new"]["status"] == "delayed"
    refused = run_cli("import-history", "new", "--reviewer", "张三", settings=root.settings, now=now)
    assert refused.returncode == 1 and "new is not history" in refused.stderr and "Traceback" not in refused.stderr
    done = run_cli("import-history", "--all", "--reviewer", "张三", settings=root.settings, now=now)
    assert done.returncode == 0, done.stderr
    assert "old imported by 张三" in done.stdout and "original instant 19 Apr 2024 10:00" in done.stdout
    rows = {r["id"]: r for r in json.loads(run_cli("calendar", "--json", settings=root.settings, now=now).stdout)}
    assert rows["old"]["status"] == "published" and rows["old"]["public_since"] == "2024-04-19T02:00:00+00:00"
