"""`statpub doctor` reports what an operator must fix, and fails on what would stop publishing."""

from __future__ import annotations

import json

from tests.etl.builder import MiniRoot
from tests.helpers import run_cli


def test_doctor_on_a_loaded_demo(demo_settings):
    result = run_cli("doctor", "--json", settings=demo_settings)
    findings = {f["check"]: f for f in json.loads(result.stdout)}
    assert result.returncode == 0, result.stdout
    assert findings["content"]["level"] == "ok"
    assert findings["warehouse"]["level"] == "ok"
    assert {"clock", "disk", "chromium", "fonts", "plotly.js"} <= findings.keys()


def test_doctor_fails_without_a_snapshot_and_warns_on_injected_clock(tmp_path):
    root = MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", ["GDP"], [{"file": "d.csv", "layout": "long"}])
    result = run_cli("doctor", "--json", settings=root.settings, now="2026-01-01T00:00:00+08:00")
    findings = {f["check"]: f for f in json.loads(result.stdout)}
    assert result.returncode == 1
    assert findings["warehouse"]["level"] == "fail" and "statpub load" in findings["warehouse"]["detail"]
    assert findings["clock"]["level"] == "warn"
