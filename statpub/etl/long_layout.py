"""The long layout: one observation per row, header `series_code, period, value` (+ optional
`status, note, n_units, top2_share, unit`; Chinese header names accepted), as CSV or XLSX.

CSV goes straight into DuckDB (all text, our own column names, so nothing from the file is ever
pasted into SQL); XLSX is read with openpyxl in read-only mode."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from statpub.etl.locate import diagnose_csv, unreadable_csv
from statpub.etl.sources import detect_encoding, transcode_to_utf8
from statpub.etl.staging import (
    FIELDS,
    SourceContext,
    cell_text,
    column_labels,
    create_stage_table,
    map_header,
    rows_to_table,
)
from statpub.kernel.errors import Problem

MAX_LINE_BYTES = 1 << 20  # a CSV line longer than this is not a table row


@dataclass
class CsvScan:
    """How DuckDB reads one long-layout CSV: `select` names the staging fields over `read_csv(?, …)`
    (file columns c0, c1, … by position; nothing from the file is pasted into SQL), with `params`."""

    select: str
    params: list
    source: Path  # what DuckDB reads: the file itself, or a UTF-8 copy of it (removed by `close`)
    original: Path
    delimiter: str
    unit_column: bool  # a unit per row (else the value header's unit, or none, for the whole file)
    unit: str | None

    def from_clause(self) -> str:
        return ("read_csv(?, header = false, skip = 1, delim = ?, quote = '\"', all_varchar = true, names = ?, "
                "max_line_size = ?, null_padding = false, strict_mode = true)")

    def close(self) -> None:
        if self.source != self.original:
            self.source.unlink(missing_ok=True)


def scan_long_csv(ctx: SourceContext, path: Path, tmp_dir: Path) -> tuple[CsvScan | None, list[Problem]]:
    """Check a CSV's encoding and header and say how to read its rows (nothing is read yet)."""
    encoding, problem = detect_encoding(path, ctx.encoding)
    if problem is not None:
        return None, [Problem(ctx.file, None, problem.row, None, problem.message)]
    ctx.encoding = encoding
    header_line = _first_line(path, encoding)
    if header_line is None:
        return None, [Problem(ctx.file, None, 1, None, "the file is empty; expected a header row")]
    if isinstance(header_line, Problem):
        return None, [Problem(ctx.file, None, 1, None, header_line.message)]
    delimiter = "\t" if "\t" in header_line and "," not in header_line else ","
    cells = next(csv.reader(io.StringIO(header_line), delimiter=delimiter), [])
    positions, unit, header_problems = map_header(list(cells))
    if header_problems:
        return None, [Problem(ctx.file, None, 1, None, msg) for msg in header_problems]
    ctx.columns = column_labels(positions, list(cells))
    if not _has_data_rows(path, encoding):
        return None, [Problem(ctx.file, None, 2, None, "the file has its header row but no rows of figures; "
                              "expected one row per figure below the header (e.g. GDP,2024-Q3,34567.12)")]
    source = path
    if encoding not in ("utf-8", "utf-8-sig"):
        tmp_dir.mkdir(parents=True, exist_ok=True)
        source = tmp_dir / f"{ctx.index}.utf8.csv"
        transcode_to_utf8(path, encoding, source)
    select, params = [], []
    for name in FIELDS:
        if name in positions:
            select.append(f"c{positions[name]} AS {name}")
        elif name == "unit":
            select.append("?::VARCHAR AS unit")
            params.append(unit)
        else:
            select.append(f"NULL::VARCHAR AS {name}")
    names = [f"c{i}" for i in range(len(cells))]
    return CsvScan(", ".join(select), [*params, str(source), delimiter, names, MAX_LINE_BYTES], source, path,
                   delimiter, "unit" in positions, unit), []


def read_long_csv(con: duckdb.DuckDBPyConnection, ctx: SourceContext, path: Path, table: str,
                  tmp_dir: Path) -> list[Problem]:
    scan, problems = scan_long_csv(ctx, path, tmp_dir)
    if scan is None:
        return problems
    try:
        # Row numbers are filled in by the staging view from rowid (insertion order is kept).
        con.execute(
            f'CREATE TEMP TABLE "{table}" AS SELECT NULL::INTEGER AS row, NULL::VARCHAR AS col, '  # noqa: S608
            f"{scan.select} FROM {scan.from_clause()}", scan.params)
    except duckdb.Error as exc:
        return diagnose_unread_csv(ctx, scan, exc)
    finally:
        scan.close()
    ctx.rows = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
    return []


def diagnose_unread_csv(ctx: SourceContext, scan: CsvScan, exc: Exception) -> list[Problem]:
    """Only once DuckDB refused the file (the fast path is one pass): find out why, row by row."""
    located = diagnose_csv(scan.original, ctx.encoding or "utf-8", scan.delimiter, ctx.file)
    return located or [unreadable_csv(ctx.file, _line_from_error(str(exc)), str(exc))]


def read_long_xlsx(con: duckdb.DuckDBPyConnection, ctx: SourceContext, path: Path,
                   table: str) -> list[Problem]:
    from statpub.etl.workbook import open_workbook, pick_sheet

    workbook, problem = open_workbook(path, ctx.file, read_only=True)
    if problem:
        return [problem]
    try:
        sheet, problem = pick_sheet(workbook, ctx.sheet, ctx.file)
        if problem:
            return [problem]
        ctx.sheet = sheet.title
        rows_iter = sheet.iter_rows(values_only=True)
        header, header_row = None, 0
        for header_row, values in enumerate(rows_iter, start=1):  # noqa: B007 - used after the loop
            if any(v not in (None, "") for v in values):
                header = list(values)
                break
        if header is None:
            return [Problem(ctx.file, ctx.sheet, None, None, "the sheet is empty; expected a header row")]
        positions, unit, header_problems = map_header(header)
        if header_problems:
            return [Problem(ctx.file, ctx.sheet, header_row, None, msg) for msg in header_problems]
        ctx.columns = column_labels(positions, header)
        staged: list[tuple] = []
        for row_number, values in enumerate(rows_iter, start=header_row + 1):
            if all(v in (None, "") for v in values):
                continue
            record = [row_number, None]
            for name in FIELDS:
                pos = positions.get(name)
                text = cell_text(values[pos]) if pos is not None and pos < len(values) else None
                record.append(unit if name == "unit" and pos is None else text)
            staged.append(tuple(record))
    finally:
        workbook.close()
    value_pos = positions["value"]
    empty = {record[0] for record in staged if record[2 + FIELDS.index("value")] is None}
    if empty:
        formulas = _uncomputed_formulas(path, ctx, value_pos, empty)
        if formulas:
            return formulas
    create_stage_table(con, table, rows_to_table(staged))
    ctx.rows = len(staged)
    return []


def _uncomputed_formulas(path: Path, ctx: SourceContext, value_pos: int, rows: set[int]) -> list[Problem]:
    """Empty values may be formulas saved without their results (files written by scripts);
    say so rather than "no value". Only read again when some value is empty."""
    from statpub.etl.staging import column_letter
    from statpub.etl.workbook import open_workbook

    workbook, _ = open_workbook(path, ctx.file, read_only=True, data_only=False)
    if workbook is None:
        return []
    problems = []
    try:
        for number, values in enumerate(workbook[ctx.sheet].iter_rows(values_only=True), start=1):
            if number in rows and value_pos < len(values):
                cell = values[value_pos]
                if isinstance(cell, str) and cell.startswith("="):
                    problems.append(Problem(ctx.file, ctx.sheet, number, ctx.columns.get("value", column_letter(value_pos)),
                                            f"cell holds a formula ({cell[:40]}) with no computed value; save the "
                                            "workbook from Excel or paste values"))
    finally:
        workbook.close()
    return problems


def _first_line(path: Path, encoding: str) -> str | Problem | None:
    with open(path, encoding=encoding, newline="") as handle:
        line = handle.readline(MAX_LINE_BYTES)
    if not line:
        return None
    if len(line) >= MAX_LINE_BYTES and not line.endswith("\n"):
        return Problem("", None, 1, None, f"the header line is longer than {MAX_LINE_BYTES} bytes")
    return line.rstrip("\r\n").lstrip("\ufeff")


def _has_data_rows(path: Path, encoding: str) -> bool:
    with open(path, encoding=encoding, newline="") as handle:
        handle.readline(MAX_LINE_BYTES)
        while line := handle.readline(MAX_LINE_BYTES):
            if line.strip(" \t\r\n,;"):
                return True
    return False


def _line_from_error(message: str) -> int | None:
    match = re.search(r"[Ll]ine:? (\d+)", message)
    return int(match.group(1)) if match else None
