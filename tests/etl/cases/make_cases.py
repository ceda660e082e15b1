"""Write the bad-input cases (run once; the files are committed): python -m tests.etl_cases.make_cases

Each case folder holds `case.yaml` (what the bad release promises, its sources and the exact
problems expected) and the files a statistician might drop by mistake."""

from __future__ import annotations

import datetime
import hashlib
import shutil
import tempfile
from pathlib import Path

import yaml
from openpyxl import Workbook

from tools.demo_files import pin_xlsx_timestamps

HERE = Path(__file__).parent
GOOD_HEADER = "series_code,period,value,status,note\n"


def case(name: str, description: str, files: dict[str, bytes], expected: list[dict],
         sources: list[dict] | None = None, series: list[str] | None = None) -> None:
    folder = HERE / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for fname, data in files.items():
        (folder / fname).write_bytes(data)
    spec = {"description": description, "series": series or ["GDP", "PART_A", "PART_B"],
            "sources": sources or [{"file": "data.csv", "layout": "long"}], "expected": expected}
    (folder / "case.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")


def csv(*rows: str, header: str = GOOD_HEADER, encoding: str = "utf-8") -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode(encoding)


def xlsx(rows: list[list], formulas: dict[str, str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "表1"
    for row in rows:
        ws.append(row)
    for ref, formula in (formulas or {}).items():
        ws[ref] = formula
    wb.properties.created = datetime.datetime(2020, 1, 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "book.xlsx"
        wb.save(path)
        pin_xlsx_timestamps(path)
        return path.read_bytes()


def p(file: str, row: int | None, column: str | None, message: str, sheet: str | None = None) -> dict:
    return {"file": file, "sheet": sheet, "row": row, "column": column, "message": message}


def main() -> None:
    ok = ["GDP,2024-Q2,210,,", "PART_A,2024-Q2,90,,", "PART_B,2024-Q2,120,,"]
    case("unknown_series", "a series code that is not in the catalogue",
         {"data.csv": csv(*ok, "GDPX,2024-Q2,1,,")},
         [p("data.csv", 5, "A (series_code)", "unknown series code 'GDPX' (not in releases/catalogue.yaml)")])
    case("bad_period", "a quarter that does not exist",
         {"data.csv": csv("GDP,2024-Q5,210,,", *ok[1:])},
         [p("data.csv", 2, "B (period)", "'2024-Q5' is not a period (expected e.g. 2024, 2024-Q3, 2024-07, 1—3季度)")])
    case("frequency_mismatch", "an annual period for a quarterly series",
         {"data.csv": csv("GDP,2024,210,,", *ok[1:])},
         [p("data.csv", 2, "B (period)", "period 2024 is annual but series GDP is quarterly")])
    case("duplicate", "the same figure twice",
         {"data.csv": csv(*ok, "GDP,2024-Q2,211,,")},
         [p("data.csv", 2, "B (period)", "GDP 2024-Q2 appears more than once (rows 2, 5)")])
    case("non_numeric", "a value that is not a number",
         {"data.csv": csv("GDP,2024-Q2,二百一十,,", *ok[1:])},
         [p("data.csv", 2, "C (value)", "'二百一十' is not a number; expected a number such as 1234.5")])
    case("empty_value", "a value left empty without the confidential flag",
         {"data.csv": csv("GDP,2024-Q2,,,", *ok[1:])},
         [p("data.csv", 2, "C (value)", "no value; expected a number (or status c for a suppressed cell)")])
    case("bad_status", "an unknown status flag",
         {"data.csv": csv("GDP,2024-Q2,210,z,", *ok[1:])},
         [p("data.csv", 2, "D (status)", "status 'z' has unknown flag(s) 'z'; expected letters from p (provisional), "
            "r (revised), e (estimated), b (break), c (confidential)")])
    case("missing_column", "a header without the value column",
         {"data.csv": b"series_code,period,amount\nGDP,2024-Q2,210\n"},
         [p("data.csv", 1, None, "column C: unknown header 'amount'; expected series_code, period, value, status, note, "
            "n_units, top2_share, unit (or 指标代码, 时期, 数值, 标志, 备注)"),
          p("data.csv", 1, None, "missing column 'value' (or '数值')")])
    case("empty_file", "an empty file", {"data.csv": b""},
         [p("data.csv", 1, None, "the file is empty; expected a header row")])
    case("not_promised", "a known series the release does not carry",
         {"data.csv": csv(*ok, "GROWTH,2024-Q2,5.1,,")},
         [p("data.csv", 5, "A (series_code)", "series GROWTH is not among the series release bad carries (calendar.yaml)")])
    case("missing_promised", "a promised series that no file carries",
         {"data.csv": csv(*ok)}, [p("calendar.yaml", None, "releases[bad].series",
                                    "release bad promises series GROWTH but no source file carries it")],
         series=["GDP", "PART_A", "PART_B", "GROWTH"])
    case("cumulative_decrease", "a year-to-date total below the previous quarter's",
         {"data.csv": csv("GDP,2024-Q2,90,,", "PART_A,2024-Q2,40,,", "PART_B,2024-Q2,50,,")},
         [p("data.csv", 2, "C (value)", "cumulative GDP falls from 100 (2024-Q1) to 90 (2024-Q2) within a year; "
            "a year-to-date total cannot decrease"),
          p("data.csv", 4, "C (value)", "cumulative PART_B falls from 60 (2024-Q1) to 50 (2024-Q2) within a year; "
            "a year-to-date total cannot decrease")])
    case("components", "components that do not add up to their total",
         {"data.csv": csv("GDP,2024-Q2,215,,", *ok[1:])},
         [p("data.csv", 2, "C (value)", "GDP 2024-Q2 is 215 but PART_A + PART_B add up to 210 (tolerance 0.01)")])
    case("unit_mismatch", "a value header with a unit of another kind",
         {"data.xlsx": xlsx([["指标代码", "时期", "数值（万人）"], ["GDP", "2024-Q2", 210], ["PART_A", "2024-Q2", 90],
                              ["PART_B", "2024-Q2", 120]])},
         [p("data.xlsx", 2, "C (数值（万人）)", "unit '万人' does not match the catalogue's '亿元' (100 million yuan)", "表1"),
          p("data.xlsx", 3, "C (数值（万人）)", "unit '万人' does not match the catalogue's '亿元' (100 million yuan)", "表1"),
          p("data.xlsx", 4, "C (数值（万人）)", "unit '万人' does not match the catalogue's '亿元' (100 million yuan)", "表1")],
         sources=[{"file": "data.xlsx", "layout": "long"}])
    case("bad_encoding", "bytes that are neither UTF-8 nor GBK",
         {"data.csv": csv(*ok) + b"PART_A,2024-Q3,\xff\xfe\xff,,\n"},
         [p("data.csv", 5, None, "the file is neither UTF-8 nor GBK; save it as UTF-8 (CSV UTF-8 in Excel)")])
    case("truncated_xlsx", "a workbook cut short in transfer",
         {"data.xlsx": xlsx([["series_code", "period", "value"], ["GDP", "2024-Q2", 210]])[:700]},
         [p("data.xlsx", None, None, "not a readable XLSX workbook (truncated, or not Excel: BadZipFile)")],
         sources=[{"file": "data.xlsx", "layout": "long"}])
    wide_rows = [["2024年上半年主要指标"], ["指标", "1—2季度（亿元）"], ["地区生产总值", 210], ["甲", 90], ["乙", 120],
                 ["丙", 1]]
    mapping = {"year": 2024, "columns": {"1—2季度（亿元）": "value"},
               "rows": {"地区生产总值": {"value": "GDP"}, "甲": {"value": "PART_A"}, "乙": {"value": "PART_B"}}}
    case("wide_unknown_label", "a row label the mapping does not declare",
         {"data.xlsx": xlsx(wide_rows), "data.xlsx.mapping.yaml": yaml.safe_dump(mapping, allow_unicode=True).encode()},
         [p("data.xlsx", 6, "A", "row label '丙' is not declared in the mapping (add it to `rows` or `ignore_rows`)", "表1")],
         sources=[{"file": "data.xlsx", "layout": "wide"}])
    renamed = {**mapping, "columns": {"1—3季度（亿元）": "value"}}
    case("wide_missing_header", "the declared column is not in the sheet",
         {"data.xlsx": xlsx(wide_rows[:5]), "data.xlsx.mapping.yaml": yaml.safe_dump(renamed, allow_unicode=True).encode()},
         [p("data.xlsx", None, None, "no header row with the declared columns 1—3季度（亿元） in the first 30 rows", "表1")],
         sources=[{"file": "data.xlsx", "layout": "wide"}])
    case("wide_formula", "a formula saved without its computed value",
         {"data.xlsx": xlsx(wide_rows[:5], {"B3": "=B4+B5"}),
          "data.xlsx.mapping.yaml": yaml.safe_dump(mapping, allow_unicode=True).encode()},
         [p("data.xlsx", 3, "B", "cell holds a formula (=B4+B5) with no computed value; save the workbook from Excel "
            "or paste values", "表1")],
         sources=[{"file": "data.xlsx", "layout": "wide"}])
    data = csv(*ok)
    sidecar = yaml.safe_dump({"source": "test", "producer": "test", "date": "2024-07-01",
                              "sha256": hashlib.sha256(b"something else").hexdigest()}).encode()
    case("provenance_mismatch", "a file changed after its provenance was recorded",
         {"data.csv": data, "data.csv.provenance.yaml": sidecar},
         [p("data.csv.provenance.yaml", None, "sha256", f"checksum {hashlib.sha256(b'something else').hexdigest()[:12]}… does not match the file "
            f"({hashlib.sha256(data).hexdigest()[:12]}…); the file changed after its provenance was recorded")])
    case("interpretation_tag", "an interpretation citing a figure the release does not carry",
         {"data.csv": data, "interpretation.zh.md": "上半年地区生产总值{{GDP@2024-Q2}}，一季度{{GDP@2024-Q1}}。\n{{GDP 2024}}\n".encode()},
         [p("interpretation.zh.md", 1, "char 29", "figure GDP@2024-Q1 is not carried by release bad; an interpretation "
            "may only cite its own figures"),
          p("interpretation.zh.md", 2, "char 1", "malformed figure tag '{{GDP 2024}}'; expected {{CODE@PERIOD}} or "
            "{{CODE@PERIOD|value}}")])


if __name__ == "__main__":
    main()
