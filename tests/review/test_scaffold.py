"""A new office starts from nothing: `statpub init` writes a content root that loads, passes its
checks and serves at once; `statpub release new` announces a release; `statpub source add` brings a
table and records its provenance (nobody types a sha256); `check` refuses a file without one."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from statpub.kernel.clock import Clock, parse_instant
from statpub.kernel.config import Settings
from tests.helpers import run_cli

NOW = "2026-12-01T10:00:00+08:00"


def settings_of(root: Path) -> Settings:
    return Settings(root=root, warehouse_dir=root / "warehouse" / "data")


@pytest.fixture
def office(tmp_path: Path) -> Settings:
    done = run_cli("init", str(tmp_path / "office"), "--name", "测试市统计局", "--name-en",
                   "Test City Statistics Bureau", now=NOW)
    assert done.returncode == 0, done.stderr
    return settings_of(tmp_path / "office")


def cli(office: Settings, *args: str):
    return run_cli(*args, settings=office, now=NOW)


def test_init_writes_an_office_that_loads_checks_and_serves(office: Settings):
    from statpub.dashboards.app import create_app

    root = office.root
    assert (root / "schema" / "calendar.schema.json").is_file()
    example = root / "releases" / "2026-q3-example"
    assert {p.name for p in example.iterdir()} == {"data.csv", "data.csv.provenance.yaml", "interpretation.zh.md",
                                                   "interpretation.en.md"}
    for path in (root / "calendar.yaml", root / "releases" / "catalogue.yaml", example / "data.csv.provenance.yaml"):
        assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    assert cli(office, "load").returncode == 0
    checked = cli(office, "check", "--all")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 error(s), 0 warning(s)" in checked.stdout
    app = create_app(office, Clock(start=parse_instant(NOW)))
    client = app.server.test_client()
    assert client.get("/healthz").status_code == 200
    assert "Test City Statistics Bureau" in client.get("/?lang=en").get_data(as_text=True)  # office.yaml
    assert client.get("/api/v1/releases").status_code == 200
    calendar = client.get("/calendar.ics")
    assert calendar.status_code == 200 and "2026-q3-example" in calendar.get_data(as_text=True)


def test_init_refuses_a_folder_that_holds_content(office: Settings):
    again = run_cli("init", str(office.root), "--name", "甲", "--name-en", "A", now=NOW)
    assert again.returncode == 1 and "already holds content" in again.stderr


def test_release_new_then_source_add_then_update(office: Settings, tmp_path: Path):
    calendar = office.root / "calendar.yaml"
    typo = cli(office, "release", "new", "2026-q4-gdp", "--title", "2026年地区生产总值", "--title-en", "GDP 2026",
               "--instant", "2027-01-20T10:00:00+08:00", "--series", "GDP,GDP_GROWT")
    assert typo.returncode == 1 and "did you mean 'GDP_GROWTH'?" in typo.stderr
    done = cli(office, "release", "new", "2026-q4-gdp", "--title", "2026年地区生产总值", "--title-en", "GDP 2026",
               "--instant", "2027-01-20T10:00:00+08:00", "--series", "GDP,GDP_GROWTH")
    assert done.returncode == 0, done.stderr
    text = calendar.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server") and "# 发布日程表" in text  # comments kept
    assert "instant: '2027-01-20T10:00:00+08:00'" in text
    assert cli(office, "load").returncode == 0  # announced, awaiting its data

    table = tmp_path / "q4.csv"
    table.write_text("series_code,period,value\nGDP,2026-Q4,1600\nGDP_GROWTH,2026-Q4,5.2\n", encoding="utf-8")
    nameless = cli(office, "source", "add", "2026-q4-gdp", str(table))
    assert nameless.returncode == 1 and "--source" in nameless.stderr
    added = cli(office, "source", "add", "2026-q4-gdp", str(table), "--source", "综合处 / Accounts division")
    assert added.returncode == 0, added.stderr
    folder = office.root / "releases" / "2026-q4-gdp"
    sidecar = yaml.safe_load((folder / "q4.csv.provenance.yaml").read_text(encoding="utf-8"))
    assert sidecar["sha256"] == hashlib.sha256(table.read_bytes()).hexdigest()
    assert sidecar["source"] == "综合处 / Accounts division" and sidecar["date"] == "2026-12-01"
    assert "sources: [{file: q4.csv, layout: long}]" in calendar.read_text(encoding="utf-8")
    assert cli(office, "check", "2026-q4-gdp").returncode == 0

    (folder / "q4.csv").write_text("series_code,period,value\nGDP,2026-Q4,1610\nGDP_GROWTH,2026-Q4,5.2\n")
    refused = cli(office, "load")
    assert refused.returncode == 1
    assert "statpub source add 2026-q4-gdp q4.csv --update" in refused.stderr
    again = cli(office, "source", "add", "2026-q4-gdp", str(folder / "q4.csv"))
    assert again.returncode == 1 and "--update" in again.stderr
    assert cli(office, "source", "add", "2026-q4-gdp", str(folder / "q4.csv"), "--update").returncode == 0
    assert cli(office, "load").returncode == 0
    kept = yaml.safe_load((folder / "q4.csv.provenance.yaml").read_text(encoding="utf-8"))
    assert kept["source"] == "综合处 / Accounts division" and kept["sha256"] != sidecar["sha256"]


def test_check_refuses_a_source_without_provenance(office: Settings):
    (office.root / "releases" / "2026-q3-example" / "data.csv.provenance.yaml").unlink()
    checked = cli(office, "check", "--all", "--json")
    assert checked.returncode == 1
    [finding] = [f for f in json.loads(checked.stdout)["findings"] if f["severity"] == "error"]
    assert finding["check"] == "provenance"
    assert "statpub source add 2026-q3-example data.csv --source" in finding["message"]


def test_a_wide_table_gets_a_mapping_to_fill_in(office: Settings, tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "表1"
    ws.append(["2026年地区生产总值"])
    ws.append(["指标", "2026年（亿元）"])
    ws.append(["地区生产总值", 1600])
    wb.save(tmp_path / "gdp.xlsx")
    assert cli(office, "release", "new", "2026-gdp", "--title", "甲", "--title-en", "A", "--instant",
               "2027-01-20T10:00:00+08:00", "--series", "GDP", "--kind", "annual").returncode == 0
    added = cli(office, "source", "add", "2026-gdp", str(tmp_path / "gdp.xlsx"), "--layout", "wide", "--source", "综合处")
    assert added.returncode == 0, added.stderr
    mapping = office.root / "releases" / "2026-gdp" / "gdp.xlsx.mapping.yaml"
    assert yaml.safe_load(mapping.read_text(encoding="utf-8")) == {
        "sheet": "表1", "columns": {"2026年（亿元）": "col_b"}, "rows": {"地区生产总值": {"col_b": "CODE"}}}
    refused = cli(office, "load")
    assert refused.returncode == 1 and "unknown series code 'CODE'" in refused.stderr
