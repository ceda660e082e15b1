"""Write the bad-input cases (run once; the files are committed): python -m tests.etl.cases.make_cases

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
         sources: list[dict] | None = None, series: list[str] | None = None, entry: dict | None = None) -> None:
    folder = HERE / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for fname, data in files.items():
        (folder / fname).write_bytes(data)
    spec = {"description": description, "series": series or ["GDP", "PART_A", "PART_B"],
            "sources": sources or [{"file": "data.csv", "layout": "long"}], "expected": expected}
    if entry:
        spec["entry"] = entry  # fields of the bad release's calendar entry, as a hand might have typed them
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
         [p("data.csv", 5, "A (series_code)", "unknown series code 'GDPX' (not in releases/catalogue.yaml); "
            "did you mean 'GDP'?")])
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
         [p("data.csv", 5, "A (series_code)", "series GROWTH is not among the series release bad carries (calendar.yaml); "
            "add it to the release's `series` or remove the row")])
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
         [p("data.xlsx", None, None, "not a readable XLSX workbook (truncated, or not Excel: BadZipFile); open it in "
            "Excel and save it again as .xlsx (an .xls or a CSV renamed .xlsx cannot be read)")],
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
            f"({hashlib.sha256(data).hexdigest()[:12]}…): the file changed after its provenance was recorded; if the change is "
            "intended, record it with `statpub source add bad data.csv --update`, otherwise restore the file as delivered")])
    case("interpretation_tag", "an interpretation citing a figure the release does not carry",
         {"data.csv": data, "interpretation.zh.md": "上半年地区生产总值{{GDP@2024-Q2}}，一季度{{GDP@2024-Q1}}。\n{{GDP 2024}}\n".encode()},
         [p("interpretation.zh.md", 1, "char 29", "figure GDP@2024-Q1 is not carried by release bad; an interpretation "
            "may only cite its own figures"),
          p("interpretation.zh.md", 2, "char 1", "malformed figure tag '{{GDP 2024}}'; expected {{CODE@PERIOD}} or "
            "{{CODE@PERIOD|value}}")])

    staff_mistakes(ok)



def staff_mistakes(ok: list[str]) -> None:
    """What staff of a new office got wrong when they first brought their own data."""
    wide_rows = [["2024年上半年主要指标"], ["指标", "1—2季度（亿元）", "比上年同期增长（%）"], ["地区生产总值", 210, 5.1],
                 ["甲", 90, 4.0], ["乙", 120, 6.0]]
    rows = {"地区生产总值": {"value": "GDP"}, "甲": {"value": "PART_A"}, "乙": {"value": "PART_B"}}

    def wide(columns: dict, name: str, description: str, expected: list[dict], rows: dict = rows) -> None:
        mapping = {"year": 2024, "period": "2024-Q2", "columns": columns, "rows": rows}
        case(name, description, {"data.xlsx": xlsx(wide_rows),
                                  "data.xlsx.mapping.yaml": yaml.safe_dump(mapping, allow_unicode=True).encode()},
             expected, sources=[{"file": "data.xlsx", "layout": "wide"}])

    case("csv_thousands_unquoted", "a number with a thousands separator, unquoted, in a CSV",
         {"data.csv": csv("GDP,2024-Q2,1,044.088,,", *ok[1:])}, EXPECTED["csv_thousands_unquoted"])
    case("csv_split_into_status", "an unquoted thousands separator that pushes the number's tail into the status column",
         {"data.csv": csv("GDP,2024-Q2,1,044", "PART_A,2024-Q2,90,", "PART_B,2024-Q2,120,",
                          header="series_code,period,value,status\n")}, EXPECTED["csv_split_into_status"])
    case("csv_header_only", "a CSV holding its header row and nothing else",
         {"data.csv": csv()}, EXPECTED["csv_header_only"])
    case("csv_short_row", "a row with fields missing",
         {"data.csv": csv("GDP,2024-Q2", *ok[1:])}, EXPECTED["csv_short_row"])
    wide({"1—2季度（亿元）": "value", "比上年同期增长（%）": "value"}, "wide_two_columns_one_role",
         "two columns mapped to the same role (one would silently disappear)", EXPECTED["wide_two_columns_one_role"])
    wide({"1—2季度（亿元）": "value", "比上年同期增长（%）": "growth"}, "wide_column_unused",
         "a column whose role no row maps (its figures would not be loaded)", EXPECTED["wide_column_unused"])
    wide({"1—2季度（亿元）": "value", "比上年同期增长（%）": None}, "wide_column_to_nothing",
         "a column mapped to nothing", EXPECTED["wide_column_to_nothing"])
    changed = csv("GDP,2024-Q2,二百一十,,", *ok[1:])
    sidecar = yaml.safe_dump({"source": "test", "producer": "test", "date": "2024-07-01",
                              "sha256": hashlib.sha256(csv(*ok)).hexdigest()}).encode()
    case("provenance_mismatch_and_bad_value", "a file edited after its provenance was recorded, with an error in the edit",
         {"data.csv": changed, "data.csv.provenance.yaml": sidecar}, EXPECTED["provenance_mismatch_and_bad_value"])
    case("provenance_incomplete", "a provenance sidecar typed by hand, fields missing or misnamed",
         {"data.csv": csv(*ok), "data.csv.provenance.yaml": b"source: test\nproduce: me\ndate: 2024-07-01\n"},
         EXPECTED["provenance_incomplete"])
    case("calendar_entry_typos", "a calendar entry with a misspelt kind and series code",
         {"data.csv": csv(*ok)}, EXPECTED["calendar_entry_typos"],
         entry={"kind": "quaterly", "series": ["GDP", "PART_A", "PARTB"]})
    catalogue = (HERE / "catalogue.yaml").read_text(encoding="utf-8").replace("topic: accounts\n  name: {zh: 乙",
                                                                              "topic: acounts\n  name: {zh: 乙")
    case("catalogue_and_calendar", "a misspelt topic in the catalogue and a calendar instant without its offset",
         {"data.csv": csv(*ok), "catalogue.yaml": catalogue.encode()}, EXPECTED["catalogue_and_calendar"],
         entry={"instant": "2024-07-19T10:00:00"})
    case("data_and_text_at_once", "a bad value and an interpretation citing a figure the release lacks",
         {"data.csv": csv("GDP,2024-Q2,二百一十,,", *ok[1:]),
          "interpretation.en.md": b"GDP was {{GDP@2024-Q3}}.\n"},
         [p("data.csv", 2, "C (value)", "'二百一十' is not a number; expected a number such as 1234.5"),
          p("interpretation.en.md", 1, "char 9", "figure GDP@2024-Q3 is not carried by release bad; an "
            "interpretation may only cite its own figures")])
    case("catalogue_and_csv_at_once", "a misspelt topic in the catalogue and an unquoted thousands separator",
         {"data.csv": csv("GDP,2024-Q2,1,044.088,,", *ok[1:]), "catalogue.yaml": catalogue.encode()},
         [p("releases/catalogue.yaml", 29, "series[2].topic", "unknown topic 'acounts'; expected one of the codes "
            "under `topics` (accounts); did you mean 'accounts'?"),
          p("data.csv", 2, "C (value)", "this row has 6 fields where the header has 5: the number 1,044.088 is split "
            "at its thousands separator; write it without the comma (1044.088) or in double quotes (\"1,044.088\")")])
    case("xlsx_wrong_sheet", "a sheet name typed with a space the workbook does not have",
         {"data.xlsx": xlsx([["series_code", "period", "value"], *[r.split(",")[:3] for r in ok]])},
         [p("data.xlsx", None, None, "no sheet '表 1' (the workbook has 表1); did you mean '表1'?", "表 1")],
         sources=[{"file": "data.xlsx", "layout": "long", "sheet": "表 1"}])
    case("catalogue_not_a_mapping", "a catalogue written as a list of series",
         {"data.csv": csv(*ok), "catalogue.yaml": b"- code: GDP\n  topic: accounts\n"}, EXPECTED["catalogue_not_a_mapping"])


EXPECTED: dict[str, list[dict]] = {
    'csv_thousands_unquoted': [
        p('data.csv', 2, 'C (value)',
          'this row has 6 fields where the header has 5: the number 1,044.088 is split at its thousands separator; write it without the comma (1044.088) or in double quotes ("1,044.088")'),
    ],
    'csv_split_into_status': [
        p('data.csv', 2, 'D (status)',
          'status \'044\' is not a flag but the end of a number cut at its thousands separator (e.g. 1,044.088 unquoted); write the number without the comma or in double quotes ("1,044.088")'),
    ],
    'csv_header_only': [
        p('data.csv', 2, None,
          'the file has its header row but no rows of figures; expected one row per figure below the header (e.g. GDP,2024-Q3,34567.12)'),
    ],
    'csv_short_row': [
        p('data.csv', 2, None,
          'this row has 2 fields where the header has 5; add the missing commas (an empty field is fine: GDP,2024-Q2,210,,)'),
    ],
    'wide_two_columns_one_role': [
        p('data.xlsx.mapping.yaml', 3, 'columns.比上年同期增长（%）',
          "columns '1—2季度（亿元）' and '比上年同期增长（%）' both have the role 'value', so one of them would be lost; give each column its own role (e.g. value, growth) and map that role in `rows`"),
    ],
    'wide_column_unused': [
        p('data.xlsx.mapping.yaml', 3, 'columns.比上年同期增长（%）',
          "column '比上年同期增长（%）' has the role 'growth' but no row maps 'growth', so its figures would not be loaded; map it in `rows` (e.g. `乙: {growth: CODE}`) or remove the column"),
    ],
    'wide_column_to_nothing': [
        p('data.xlsx.mapping.yaml', 3, 'columns.比上年同期增长（%）',
          "column '比上年同期增长（%）' is mapped to nothing; give it a role (e.g. value, growth) and map that role in `rows`, or remove the column from `columns`"),
    ],
    'provenance_mismatch_and_bad_value': [
        p('data.csv', 2, 'C (value)',
          "'二百一十' is not a number; expected a number such as 1234.5"),
        p('data.csv.provenance.yaml', None, 'sha256',
          'checksum 92224f08324c… does not match the file (4fef54dc269d…): the file changed after its provenance was recorded; if the change is intended, record it with `statpub source add bad data.csv --update`, otherwise restore the file as delivered'),
    ],
    'provenance_incomplete': [
        p('data.csv.provenance.yaml', 1, 'producer',
          'required field `producer` is missing; add it, e.g. `producer: 张三 / Zhang San` (Who or what produced the file)'),
        p('data.csv.provenance.yaml', 1, 'sha256',
          'required field `sha256` is missing; never type it: `statpub source add bad data.csv --update` computes and records it'),
        p('data.csv.provenance.yaml', 2, 'produce',
          "unknown field `produce`; did you mean 'producer'? (the fields here: file, source, producer, description, url, date, sha256)"),
    ],
    'calendar_entry_typos': [
        p('calendar.yaml', 18, 'releases[1].kind',
          "found 'quaterly'; expected one of quarterly, annual, verification, monthly, ad-hoc; did you mean 'quarterly'?"),
        p('calendar.yaml', 22, 'releases[1].series[2]',
          "release bad: unknown series 'PARTB' (not in releases/catalogue.yaml); did you mean 'PART_B'?"),
    ],
    'catalogue_and_calendar': [
        p('calendar.yaml', 17, 'releases[1].instant',
          'instant has no offset or zone; write e.g. 2026-01-20T10:00:00+08:00'),
        p('releases/catalogue.yaml', 29, 'series[2].topic',
          "unknown topic 'acounts'; expected one of the codes under `topics` (accounts); did you mean 'accounts'?"),
    ],
    'catalogue_not_a_mapping': [
        p('releases/catalogue.yaml', 1, None,
          'found a list (`- item` lines); expected a mapping with the fields topics, series (`name: value` lines)'),
    ],
}


if __name__ == "__main__":
    main()
