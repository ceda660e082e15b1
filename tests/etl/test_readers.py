"""Reading real-looking source files: encodings, header dialects, office wide tables."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from statpub.etl.load import load
from statpub.kernel.clock import Clock
from statpub.kernel.errors import ValidationFailed
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from tests.etl.builder import MiniRoot, approve_all

LATER = Clock(start=datetime(2030, 1, 1, tzinfo=UTC))
THREE = ["GDP", "PART_A", "PART_B"]


def rows(settings, release_id: str) -> list[tuple]:
    snap = WarehouseReader(settings.warehouse_dir).snapshot()
    table = Gate(snap, LATER.now()).release_observations(release_id)
    return [(r["series_code"], r["period"], r["value"], r["status"], r["note"]) for r in table.to_pylist()]


def xlsx_bytes(build) -> bytes:
    wb = Workbook()
    build(wb.active)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_long_csv_encodings_detected(tmp_path: Path, encoding: str):
    text = "指标代码,时期,数值,标志,备注\nGDP,2024年一季度,\"1,000.50\",初步,注释\nPART_A,2024-Q1,４００.５,p,\nPART_B,2024Q1,600*,p,\n"
    root = MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", THREE,
                                  [{"file": "d.csv", "layout": "long"}], {"d.csv": text.encode(encoding)})
    result = load(root.settings, clock=LATER)
    assert result.loaded == ["r1"]
    approve_all(root.settings, LATER)
    assert rows(root.settings, "r1") == [("GDP", "2024-Q1", 1000.5, "p", "注释"),
                                         ("PART_A", "2024-Q1", 400.5, "p", None),
                                         ("PART_B", "2024-Q1", 600.0, "p", "注*")]


def test_declared_gbk_and_tab_delimited(tmp_path: Path):
    text = "series_code\tperiod\tvalue\nGDP\t2024-Q1\t100\nPART_A\t2024-Q1\t40\nPART_B\t2024-Q1\t60\n"
    root = MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", THREE,
                                  [{"file": "d.csv", "layout": "long", "encoding": "gbk"}], {"d.csv": text.encode("gbk")})
    load(root.settings, clock=LATER)
    approve_all(root.settings, LATER)
    assert [r[2] for r in rows(root.settings, "r1")] == [100.0, 40.0, 60.0]


def test_unit_in_value_header_is_converted_by_scale(tmp_path: Path):
    text = "指标代码,时期,数值（万元）\nGDP,2024-Q1,1000000\nPART_A,2024-Q1,400000\nPART_B,2024-Q1,600000\n"
    root = MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", THREE,
                                  [{"file": "d.csv", "layout": "long"}], {"d.csv": text})
    load(root.settings, clock=LATER)
    approve_all(root.settings, LATER)
    assert [r[2] for r in rows(root.settings, "r1")] == pytest.approx([100.0, 40.0, 60.0])


def test_confidential_cell_without_value_is_accepted(tmp_path: Path):
    text = "series_code,period,value,status\nGDP,2024-Q1,100,\nPART_A,2024-Q1,,c\nPART_B,2024-Q1,60,\n"
    root = MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", THREE,
                                  [{"file": "d.csv", "layout": "long"}], {"d.csv": text})
    load(root.settings, clock=LATER)
    approve_all(root.settings, LATER)
    assert rows(root.settings, "r1")[1] == ("PART_A", "2024-Q1", None, "c", None)


def test_long_xlsx(tmp_path: Path):
    def build(ws):
        ws.append([None])
        ws.append(["指标代码", "时期", "数值", "标志"])
        ws.append(["GDP", "2024-Q1", 100.25, "p"])
        ws.append([None, None, None, None])
        ws.append(["PART_A", "2024-Q1", 40, "p"])
        ws.append(["PART_B", "2024-Q1", 60.25, "p"])
    root = MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", THREE,
                                  [{"file": "d.xlsx", "layout": "long"}], {"d.xlsx": xlsx_bytes(build)})
    load(root.settings, clock=LATER)
    approve_all(root.settings, LATER)
    assert [r[2] for r in rows(root.settings, "r1")] == [100.25, 40.0, 60.25]


def test_office_wide_table(tmp_path: Path):
    def build(ws):
        ws.append(["2024年一季度主要指标"])
        ws.merge_cells("A1:D1")
        ws.append(["指标", "计量单位", "一季度", "比上年同期增长（%）"])
        ws.append(["地区生产总值", "亿元", 100, 5.2])
        ws.append(["　其中：甲①", "亿元", 40, "—"])
        ws.append(["　　　乙", "万元", 600000, "…"])
        ws.append(["其中：", None, None, None])
        ws.append(["注：①甲含示例项目；②另注。"])
    mapping = ("year: 2024\nperiod: 2024-Q1\nstatus: p\n"
               "columns: {一季度: value, 比上年同期增长（%）: growth}\n"
               "rows:\n  地区生产总值: {value: GDP, growth: GROWTH}\n  其中：甲: {value: PART_A}\n"
               "  乙: {value: PART_B}\nignore_rows: [其中：]\n")
    root = MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", [*THREE, "GROWTH"],
                                  [{"file": "t.xlsx", "layout": "wide"}],
                                  {"t.xlsx": xlsx_bytes(build), "t.xlsx.mapping.yaml": mapping})
    load(root.settings, clock=LATER)
    approve_all(root.settings, LATER)
    assert rows(root.settings, "r1") == [
        ("GDP", "2024-Q1", 100.0, "p", None), ("GROWTH", "2024-Q1", 5.2, "p", None),
        ("PART_A", "2024-Q1", 40.0, "p", "甲含示例项目。"), ("PART_B", "2024-Q1", pytest.approx(60.0), "p", None)]


def test_announced_release_without_folder_is_awaiting(tmp_path: Path):
    root = MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", THREE, [{"file": "d.csv", "layout": "long"}])
    result = load(root.settings, clock=LATER)
    assert result.awaiting == ["r1"] and result.loaded == []


def test_reload_rules_unpublished_replaced_published_refused(tmp_path: Path):
    first = "series_code,period,value\nGDP,2024-Q1,100\nPART_A,2024-Q1,40\nPART_B,2024-Q1,60\n"
    root = MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", THREE,
                                  [{"file": "d.csv", "layout": "long"}], {"d.csv": first})
    before = Clock(start=datetime(2024, 4, 1, tzinfo=UTC))
    assert load(root.settings, clock=before).loaded == ["r1"]
    assert load(root.settings, clock=before).skipped == ["r1"]  # nothing changed: no new snapshot
    corrected = first.replace("100", "101").replace("60\n", "61\n")
    (tmp_path / "releases" / "r1" / "d.csv").write_text(corrected, encoding="utf-8")
    assert load(root.settings, clock=before).loaded == ["r1"]  # still embargoed: replaced
    approve_all(root.settings, before)
    assert [r[2] for r in rows(root.settings, "r1")] == [101.0, 40.0, 61.0]
    (tmp_path / "releases" / "r1" / "d.csv").write_text(first, encoding="utf-8")
    with pytest.raises(ValidationFailed, match="load refused") as info:
        load(root.settings, clock=LATER)  # public now: never overwritten
    assert "never overwritten" in info.value.problems[0].message
    root.releases[0]["instant"] = "2024-05-19T10:00:00+08:00"
    root.write()
    (tmp_path / "releases" / "r1" / "d.csv").write_text(corrected, encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        load(root.settings, clock=LATER)  # its instant cannot move after publication
    assert "can no longer change" in info.value.problems[0].message


def test_unknown_release_id_is_a_user_error(tmp_path: Path):
    root = MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", THREE, [{"file": "d.csv", "layout": "long"}])
    with pytest.raises(Exception, match="calendar.yaml has no release"):
        load(root.settings, ["nope"], clock=LATER)
