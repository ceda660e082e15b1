"""Malformed source files as they really arrive: each gives a clear error or a correct load —
never a partial load, never a hang (each load runs in a child process under a time and memory cap)."""

from __future__ import annotations

import datetime as dt
import io
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from statpub.kernel.config import Settings
from statpub.warehouse.snapshots import SnapshotStore
from tests.etl.builder import MiniRoot
from tests.helpers import cli_env

THREE = ["GDP", "PART_A", "PART_B"]
OK_ROWS = "GDP,2024-Q1,100\nPART_A,2024-Q1,40\nPART_B,2024-Q1,60\n"
MEMORY_CAP = 3 * 1024**3


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def load_in_child(root: MiniRoot | Settings, timeout: float = 120) -> subprocess.CompletedProcess:
    """`statpub load` in a child with a memory cap; a hang would hit the timeout and fail."""
    settings = root if isinstance(root, Settings) else root.settings
    return subprocess.run([sys.executable, "-m", "statpub", "load", "--quiet"], env=cli_env(settings),
                          capture_output=True, text=True, timeout=timeout, preexec_fn=_cap_memory)


def xlsx(build) -> bytes:
    wb = Workbook()
    build(wb.active)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def release(tmp_path: Path, name: str, data: bytes, **source) -> MiniRoot:
    return MiniRoot(tmp_path).add("r1", "2024-04-19T10:00:00+08:00", THREE,
                                  [{"file": name, "layout": "long", **source}], {name: data})


def assert_refused(result: subprocess.CompletedProcess, root: MiniRoot | Settings, *fragments: str) -> None:
    settings = root if isinstance(root, Settings) else root.settings
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert SnapshotStore(settings.warehouse_dir).current() is None  # nothing written


@pytest.mark.parametrize(("bom", "encoding"), [(b"", "utf-8"), (b"\xef\xbb\xbf", "utf-8"),
                                              (b"", "utf-16"), (b"", "gbk")])
def test_bom_and_encoding_variants_load(tmp_path, bom, encoding):
    text = "指标代码\t时期\t数值\n" + OK_ROWS.replace(",", "\t")
    root = release(tmp_path, "d.csv", bom + text.encode(encoding))
    result = load_in_child(root)
    assert result.returncode == 0, result.stderr


def test_declared_encoding_that_does_not_fit(tmp_path):
    root = release(tmp_path, "d.csv", ("series_code,period,value,note\n" + OK_ROWS.replace("\n", ",备注\n"))
                   .encode("gbk"), encoding="utf-8")
    assert_refused(load_in_child(root), root, "releases/r1/d.csv, row 2", "not valid utf-8")


def test_merged_header_cells(tmp_path):
    def build(ws):
        ws.append(["series_code", "period", "value"])
        ws.merge_cells("B1:C1")
        ws.append(["GDP", "2024-Q1", 100])
    root = release(tmp_path, "d.xlsx", xlsx(build))
    assert_refused(load_in_child(root), root, "row 1", "missing column 'value'")


def test_formulas_without_values(tmp_path):
    def build(ws):
        ws.append(["series_code", "period", "value"])
        ws.append(["PART_A", "2024-Q1", 40])
        ws.append(["PART_B", "2024-Q1", 60])
        ws.append(["GDP", "2024-Q1", "=C2+C3"])
    root = release(tmp_path, "d.xlsx", xlsx(build))
    assert_refused(load_in_child(root), root, "row 4, column C (value): cell holds a formula (=C2+C3)")


def test_dates_and_excel_serials_in_the_period_column(tmp_path):
    def build(ws):
        ws.append(["series_code", "period", "value"])
        ws.append(["GDP", dt.datetime(2024, 3, 31), 100])
        ws.append(["PART_A", 45382, 40])
        ws.append(["PART_B", "2024-Q1", 60])
    root = release(tmp_path, "d.xlsx", xlsx(build))
    assert_refused(load_in_child(root), root, "row 2, column B (period): '2024-03-31T00:00:00' is a date",
                   "row 3, column B (period): '45382' looks like an Excel date serial")


def test_empty_sheet(tmp_path):
    root = release(tmp_path, "d.xlsx", xlsx(lambda ws: None))
    assert_refused(load_in_child(root), root, "the sheet is empty")


def test_csv_bomb_one_giant_line(tmp_path):
    giant = b"series_code,period,value\n" + b"GDP," + b"9" * (40 * 1024 * 1024)
    root = release(tmp_path, "d.csv", giant)
    assert_refused(load_in_child(root), root, "releases/r1/d.csv", "could not be read as a CSV table")


def test_header_that_never_ends(tmp_path):
    root = release(tmp_path, "d.csv", b"x" * (8 * 1024 * 1024))
    assert_refused(load_in_child(root), root, "the header line is longer than")


@pytest.mark.slow
def test_a_million_rows_with_one_bad_row(tmp_path):
    lines = ["series_code,period,value"]
    for year in range(1900, 2150):
        for quarter in range(1, 5):
            lines += [f"GDP,{year}-Q{quarter},{1000 + quarter}", f"PART_A,{year}-Q{quarter},{400 + quarter}",
                      f"PART_B,{year}-Q{quarter},600"]
    body = "\n".join(lines) + "\n"
    big = (body * (1_000_000 // len(lines) + 1)).encode()
    root = release(tmp_path, "d.csv", big)
    result = load_in_child(root, timeout=300)
    assert_refused(result, root, "appears more than once")


@pytest.mark.slow
def test_a_million_rows_with_one_malformed_value_far_down(tmp_path):
    from bench.synthetic import write_content

    path = write_content(tmp_path, series=1000, months=1000)
    lines = path.read_text().splitlines()
    lines[700_000] = lines[700_000].rsplit(",", 1)[0] + ",12o4"
    path.write_text("\n".join(lines) + "\n")
    root = Settings(root=tmp_path, warehouse_dir=tmp_path / "warehouse" / "data")
    result = load_in_child(root, timeout=300)
    assert_refused(result, root, "row 700001, column C (value): '12o4' is not a number")
