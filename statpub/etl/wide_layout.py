"""The office's wide table: a title row, indicator names down the first column, a unit column or
units in the headers, and one column per period or measure (`1—3季度`, `2024年`, `同比增长(%)`).

A small declaration beside the file (`<file>.mapping.yaml`) maps labels and columns to series:

    sheet: 地区生产总值          # optional; the first sheet otherwise
    year: 2024                   # fills in headers such as 1—3季度
    period: 2024-Q3              # for columns whose header is not a period (growth columns)
    status: p                    # optional flag for every figure of the table
    columns: {"1—3季度": value, "比上年同期增长(%)": growth}
    rows:
      地区生产总值: {value: GDP, growth: GDP_GROWTH}
    ignore_rows: [其中：]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import duckdb
from pydantic import Field

from statpub.etl.staging import (
    SourceContext,
    cell_text,
    column_letter,
    create_stage_table,
    normalise_header,
    rows_to_table,
    split_unit,
)
from statpub.kernel.content import Strict
from statpub.kernel.errors import Problem, ValidationFailed
from statpub.kernel.fielddoc import doc
from statpub.kernel.numbers import PLACEHOLDERS, split_marks, to_halfwidth
from statpub.kernel.periods import PeriodError, parse_period
from statpub.kernel.suggest import did_you_mean
from statpub.kernel.yamlfile import load_model

HEADER_SEARCH_ROWS = 30
UNIT_HEADERS = {"单位", "计量单位", "unit"}
_FOOTNOTE = re.compile(r"([①-⑳*＊#†‡])\s*([^①-⑳*＊#†‡]+)")


class WideMapping(Strict):
    """How a wide table (`<file>.mapping.yaml` beside it) maps to series: which column holds what
    (a role such as `value` or `growth`), and which series each row label carries in each role."""

    sheet: str | None = Field(default=None, **doc("工作表名；不填则用第一个", "Sheet name; the first "
                                                  "sheet when left out", "地区生产总值"))
    year: int | None = Field(default=None, ge=1900, le=2200, **doc(
        "年份，补全“1—3季度”这类列标题", "Year that completes headers such as 1—3季度", 2024))
    period: str | None = Field(default=None, **doc(
        "列标题不是时期时（如“比上年同期增长（%）”）所用的时期", "Period of the columns whose header is "
        "not a period (e.g. a growth column)", "2024-Q3"))
    status: str | None = Field(default=None, **doc(
        "表中每个数据的标志（p 初步，r 修订，e 估计）", "Flag for every figure of the table (p provisional, "
        "r revised, e estimated)", "p"))
    label_column: str = Field(default="A", pattern=r"^[A-Z]{1,2}$", **doc(
        "指标名称所在列", "Column holding the row labels", "A"))
    columns: dict[str, str] = Field(min_length=1, **doc(
        "列标题 → 角色（每列一个不同的角色，如 value、growth）", "Column header → role (a different role "
        "for each column, e.g. value, growth)", {"1—3季度（亿元）": "value", "比上年同期增长（%）": "growth"}))
    rows: dict[str, dict[str, str]] = Field(min_length=1, **doc(
        "行标签 → {角色: 指标代码}", "Row label → {role: series code}",
        {"地区生产总值": {"value": "GDP", "growth": "GDP_GROWTH"}}))
    ignore_rows: tuple[str, ...] = Field(default=(), **doc(
        "不含数据、应跳过的行标签", "Row labels that carry no figures and are skipped", ["其中："]))


def mapping_problems(data: object) -> list[tuple[tuple, str]]:
    """Each column has a role of its own and every role is used by some row, and the other way
    round: otherwise a figure would silently disappear (or a row would ask for a missing column)."""
    columns = data.get("columns") if isinstance(data, dict) else None
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(columns, dict) or not isinstance(rows, dict):
        return []  # the model says what is wrong with the shape
    rows = {label: roles for label, roles in rows.items() if isinstance(roles, dict)}
    found: list[tuple[tuple, str]] = []
    first_with: dict[str, str] = {}
    for header, role in columns.items():
        if role is None or (isinstance(role, str) and not role.strip()):
            found.append((("columns", header), f"column {header!r} is mapped to nothing; give it a role (e.g. "
                          "value, growth) and map that role in `rows`, or remove the column from `columns`"))
        elif isinstance(role, str) and role in first_with:
            found.append((("columns", header), f"columns {first_with[role]!r} and {header!r} both have the role "
                          f"{role!r}, so one of them would be lost; give each column its own role (e.g. "
                          "value, growth) and map that role in `rows`"))
        elif isinstance(role, str):
            first_with[role] = header
            if rows and not any(role in roles for roles in rows.values()):
                found.append((("columns", header), f"column {header!r} has the role {role!r} but no row maps "
                              f"{role!r}, so its figures would not be loaded; map it in `rows` (e.g. "
                              f"`{next(iter(rows))}: {{{role}: CODE}}`) or remove the column"))
    for label, roles in rows.items():
        for role in roles:
            if role not in first_with:
                found.append((("rows", label, role), f"row {label!r} maps the role {role!r}, which no column "
                              f"has{did_you_mean(str(role), first_with)}; the roles are {', '.join(first_with)}"))
    return found


def load_mapping(path: Path, display: str) -> WideMapping:
    if not path.is_file():
        raise ValidationFailed([Problem(display, None, None, None,
                                        "the wide layout needs this mapping declaration beside the file; "
                                        "see `statpub schema --reference` for its fields")])
    return load_model(path, WideMapping, display_name=display, checks=mapping_problems)


def _label(value: object) -> tuple[str, str]:
    """A row label without indentation or footnote marks, and its marks."""
    text = to_halfwidth("" if value is None else str(value))
    text = re.sub(r"\s+", "", text)
    return split_marks(text)


def _footnotes(rows: list[tuple]) -> dict[str, str]:
    notes: dict[str, str] = {}
    for values in rows:
        text = " ".join(str(v) for v in values if v not in (None, ""))
        text = re.sub(r"^\s*(注|附注)\s*[:：]?\s*", "", text)
        for mark, body in _FOOTNOTE.findall(text):
            notes.setdefault(mark.replace("＊", "*"), body.strip(" ；;。") + "。" if body.strip() else "")
    return notes


def read_wide_xlsx(con: duckdb.DuckDBPyConnection, ctx: SourceContext, path: Path, mapping: WideMapping,
                   table: str) -> list[Problem]:
    # openpyxl only for workbooks (a CSV load never imports it)
    from statpub.etl.workbook import open_workbook, pick_sheet

    workbook, problem = open_workbook(path, ctx.file, read_only=False)
    if problem:
        return [problem]
    formulas_wb, _ = open_workbook(path, ctx.file, read_only=False, data_only=False)
    try:
        sheet, problem = pick_sheet(workbook, mapping.sheet or ctx.sheet, ctx.file)
        if problem:
            return [problem]
        ctx.sheet = sheet.title
        formula_sheet = formulas_wb[sheet.title] if formulas_wb is not None else None
        problems: list[Problem] = []

        def at(row: int | None, col: str | None, message: str) -> None:
            problems.append(Problem(ctx.file, ctx.sheet, row, col, message))

        staged = _stage_sheet(_grid_with_merges(sheet), formula_sheet, mapping, ctx, at)
    finally:
        workbook.close()
        if formulas_wb is not None:
            formulas_wb.close()
    if problems:
        return problems
    create_stage_table(con, table, rows_to_table(staged))
    ctx.rows = len(staged)
    return []


def _header_row(grid: list[list], wanted: dict[str, str]) -> int | None:
    for i, values in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if set(wanted) <= {normalise_header(v) for v in values}:
            return i
    return None


def _mapped_columns(header: list, header_index: int, wanted: dict[str, str], mapping: WideMapping,
                    at: Callable) -> dict[str, tuple[int, str | None, str | None]]:
    """role → (position, period, unit) for each declared column of the header row."""
    columns = {}
    for pos, value in enumerate(header):
        role = wanted.get(normalise_header(value))
        if role is None:
            continue
        name, unit = split_unit(str(value))
        period = _column_period(name, mapping)
        if period is None:
            at(header_index + 1, column_letter(pos), f"header {value!r} is not a period and the mapping declares no `period`")
            continue
        columns[role] = (pos, period, unit)
    return columns


def _stage_sheet(grid: list[list], formula_sheet, mapping: WideMapping, ctx: SourceContext,
                 at: Callable) -> list[tuple]:
    """The staged rows of the table (one per mapped figure); problems go to `at`."""
    wanted = {normalise_header(h): role for h, role in mapping.columns.items()}
    header_index = _header_row(grid, wanted)
    if header_index is None:
        at(None, None, f"no header row with the declared columns {', '.join(mapping.columns)} "
           f"in the first {HEADER_SEARCH_ROWS} rows")
        return []
    header = grid[header_index]
    label_pos = _column_index(mapping.label_column)
    unit_pos = next((i for i, v in enumerate(header) if normalise_header(v) in UNIT_HEADERS), None)
    ctx.columns = {"series_code": f"{mapping.label_column} ({header[label_pos] or ''})"}
    columns = _mapped_columns(header, header_index, wanted, mapping, at)
    declared_rows = {_label(k)[0]: v for k, v in mapping.rows.items()}
    ignored = {_label(k)[0] for k in mapping.ignore_rows}
    body = grid[header_index + 1:]
    footnote_start = next((offset for offset, values in enumerate(body)
                           if _label(values[label_pos] if label_pos < len(values) else None)[0]
                           .startswith(("注", "附注", "资料来源", "数据来源"))), len(body))
    notes = _footnotes(body[footnote_start:])
    seen: set[str] = set()
    staged: list[tuple] = []
    for offset, values in enumerate(body[:footnote_start]):
        row_number = header_index + 2 + offset
        label, label_marks = _label(values[label_pos] if label_pos < len(values) else None)
        if not label or label in ignored:
            continue
        roles = declared_rows.get(label)
        if roles is None:
            at(row_number, mapping.label_column,
               f"row label {label!r} is not declared in the mapping (add it to `rows` or `ignore_rows`)")
            continue
        seen.add(label)
        row_unit = cell_text(values[unit_pos]) if unit_pos is not None else None
        for role, code in roles.items():
            if role not in columns:
                if role not in mapping.columns.values():
                    at(row_number, mapping.label_column, f"row {label!r} maps unknown column role {role!r}")
                continue
            pos, period, header_unit = columns[role]
            figure = _figure(values, pos, row_number, formula_sheet, at)
            if figure is None:
                continue
            cleaned, value_marks = figure
            note = " ".join(notes.get(m, f"注{m}") for m in dict.fromkeys(label_marks + value_marks)) or None
            staged.append((row_number, column_letter(pos), code, period, cleaned, mapping.status, note, None,
                           None, header_unit or row_unit))
    for label in declared_rows:
        if label not in seen:
            at(None, mapping.label_column, f"row {label!r} declared in the mapping is not in the sheet")
    return staged


def _figure(values: list, pos: int, row_number: int, formula_sheet, at: Callable) -> tuple[str, str] | None:
    """(text, footnote marks) of one cell, or None when it carries no figure (—, …, empty) or
    holds a formula without a saved value (a problem)."""
    raw = values[pos] if pos < len(values) else None
    if raw is None and formula_sheet is not None:
        formula = formula_sheet.cell(row=row_number, column=pos + 1).value
        if isinstance(formula, str) and formula.startswith("="):
            at(row_number, column_letter(pos), f"cell holds a formula ({formula[:40]}) with no computed value; "
               "save the workbook from Excel or paste values")
            return None
    cleaned, marks = split_marks(to_halfwidth(cell_text(raw) or ""))
    if cleaned.strip() in PLACEHOLDERS:
        return None
    return cleaned, marks


def _column_period(header_name: str, mapping: WideMapping) -> str | None:
    try:
        return parse_period(header_name, mapping.year).code
    except PeriodError:
        return mapping.period


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def _grid_with_merges(sheet) -> list[list[object]]:
    """The sheet's values; a merged range repeats its top-left value (merged header cells)."""
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        top_left = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(grid) else None
        for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
            for c in range(merged.min_col - 1, merged.max_col):
                if c < len(grid[r]):
                    grid[r][c] = top_left
    return grid
