"""tables.xlsx: the key figures, then one sheet per table of the release (one per topic), as the
office prints them: a title, indicator names and units in both languages, one column per period
with the series' decimals, flags and notes beside the figures, the source under the table, frozen
headers. When embargoed, every sheet's first row, header and footer carry the mark."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from statpub.dashboards.formats import excel_number_format, text_cells_as_text
from statpub.features.press.pack.content import PackContent, Row, Table
from statpub.kernel.clock import format_beijing
from statpub.kernel.flags import FLAGS
from statpub.kernel.periods import period_from_code

RED = "B00020"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MISSING = "…"  # a confidential or absent figure, as the site shows it


def sheet_title(index: int, name: str) -> str:
    """A valid, unique sheet name (Excel: at most 31 characters, no []:*?/\\)."""
    clean = _SHEET_FORBIDDEN.sub(" ", name)
    return f"{index}.{clean}"[:31]


def _start(ws, content: PackContent, title: str) -> int:
    """The mark (when embargoed) and the title; returns the next free row."""
    row = 1
    if content.notice:
        ws.cell(row=1, column=1, value=f"{content.notice[0]}　{content.notice[1]}").font = Font(bold=True, color=RED, size=12)
        text = f"&B&K{RED}{content.notice[0]}"
        ws.oddHeader.center.text = ws.oddFooter.center.text = text
        ws.evenHeader.center.text = ws.evenFooter.center.text = text
        row = 2
    else:
        ws.oddFooter.center.text = f"{content.office[0]} {content.office[1]}"
        ws.oddFooter.right.text = "&P / &N"
    ws.cell(row=row, column=1, value=title).font = Font(bold=True, size=13)
    ws.cell(row=row + 1, column=1,
            value=f"{content.release.title_zh} / {content.release.title_en} — "
                  f"{format_beijing(content.release.instant, 'zh')}").font = Font(size=10, color="555555")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return row + 3


def _header(ws, row: int, labels: list[str]) -> None:
    for col, label in enumerate(labels, start=1):
        cell = ws.cell(row=row, column=col, value=label)
        cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), HEADER_FILL, BOX, WRAP
    ws.row_dimensions[row].height = 36


def _value(ws, row: int, col: int, figure: Row | None) -> None:
    cell = ws.cell(row=row, column=col)
    if figure is None or figure.value is None:
        cell.value = MISSING if figure is not None else None
        cell.alignment = Alignment(horizontal="right")
    else:
        cell.value = figure.value
        cell.number_format = excel_number_format(figure.series.decimals)
    cell.border = BOX


def _finish(ws, content: PackContent, row: int, flags: set[str]) -> None:
    row += 1
    if flags:
        legend = "；".join(f"{f} {FLAGS[f]['zh']} ({FLAGS[f]['en']})" for f in sorted(flags))
        ws.cell(row=row, column=1, value=f"标志说明 Flags: {legend}")
        row += 1
    ws.cell(row=row, column=1, value=f"数据来源：{content.source('zh')}")
    ws.cell(row=row + 1, column=1, value=f"Source: {content.source('en')}")
    if content.notice:
        ws.cell(row=row + 2, column=1, value=content.notice[0]).font = Font(bold=True, color=RED)


def _key_sheet(ws, content: PackContent) -> None:
    row = _start(ws, content, "主要指标 Key figures")
    labels = ["指标", "Indicator", "时期 Period", "数值 Value", "单位", "Unit", "同比增长（%）Growth (%)",
              "标志 Flag", "注 Note"]
    _header(ws, row, labels)
    ws.freeze_panes = ws.cell(row=row + 1, column=3)
    flags: set[str] = set()
    for key in content.key_figures:
        row += 1
        fig, growth = key.row, key.growth
        values = [fig.series.name_zh, fig.series.name_en, f"{fig.period_label('zh')} / {fig.period_label('en')}"]
        for col, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value).border = BOX
        _value(ws, row, 4, fig)
        ws.cell(row=row, column=5, value=fig.series.unit_zh).border = BOX
        ws.cell(row=row, column=6, value=fig.series.unit_en).border = BOX
        _value(ws, row, 7, growth)
        status = key.flags
        ws.cell(row=row, column=8, value=status).border = BOX
        ws.cell(row=row, column=9, value=fig.note).border = BOX
        flags |= set(status)
    _finish(ws, content, row, flags)
    for col, width in enumerate((26, 40, 30, 14, 10, 22, 16, 8, 40), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _table_sheet(ws, content: PackContent, index: int, table: Table) -> None:
    row = _start(ws, content, f"表{index} {table.topic.name_zh} / Table {index} {table.topic.name_en}")
    cumulative = all(info.cumulative for info, _ in table.lines)
    labels = ["指标", "Indicator", "单位", "Unit"]
    for code in table.periods:
        period = period_from_code(code)
        labels += [f"{period.label('zh', cumulative=cumulative)}\n{period.label('en', cumulative=cumulative)}",
                   "标志 Flag"]
    labels.append("注 Note")
    _header(ws, row, labels)
    ws.freeze_panes = ws.cell(row=row + 1, column=5)
    flags: set[str] = set()
    for info, cells in table.lines:
        row += 1
        for col, value in enumerate((info.name_zh, info.name_en, info.unit_zh, info.unit_en), start=1):
            ws.cell(row=row, column=col, value=value).border = BOX
        notes = []
        for k, code in enumerate(table.periods):
            figure = cells.get(code)
            _value(ws, row, 5 + 2 * k, figure)
            flag = ws.cell(row=row, column=6 + 2 * k, value=figure.status if figure else None)
            flag.border = BOX
            if figure is not None:
                flags |= set(figure.status)
                if figure.note and figure.note not in notes:
                    notes.append(figure.note)
        ws.cell(row=row, column=5 + 2 * len(table.periods), value="；".join(notes)).border = BOX
    _finish(ws, content, row, flags)
    widths = [26, 40, 10, 22] + [16, 7] * len(table.periods) + [40]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def write_xlsx(content: PackContent, path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(0, "主要指标 Key figures")
    _key_sheet(ws, content)
    for index, table in enumerate(content.tables, start=1):
        _table_sheet(wb.create_sheet(sheet_title(index, table.topic.name_zh)), content, index, table)
    wb.properties.title = content.release.title_zh
    wb.properties.creator = content.office[0]
    wb.properties.created = wb.properties.modified = content.now.replace(tzinfo=None)
    text_cells_as_text(wb)  # a title or note starting with "=" stays text
    wb.save(path)
