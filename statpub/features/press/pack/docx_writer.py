"""press-release.docx: the interpretation with its figures, the key figures table and the charts.

Editable in Word, WPS and LibreOffice: real headings, real tables, pictures inline. When embargoed,
the mark stands in the header, the footer and a box above the title.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from statpub.dashboards.word_fonts import set_fonts
from statpub.features.press.pack.charts import RenderedChart
from statpub.features.press.pack.content import PackContent
from statpub.features.press.pack.office import (
    CJK_SANS,
    CJK_SERIF,
    LATIN_SANS,
    LATIN_SERIF,
    markdown_blocks,
)
from statpub.kernel.clock import format_beijing
from statpub.kernel.flags import FLAGS

RED = RGBColor(0xB0, 0x00, 0x20)


def _language(document) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-GB")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _styles(document) -> None:
    normal = document.styles["Normal"]
    set_fonts(normal, LATIN_SERIF, CJK_SERIF)
    normal.font.size = Pt(12)
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        set_fonts(style, LATIN_SANS, CJK_SANS)
        style.font.color.rgb = RGBColor(0x1F, 0x2A, 0x44)
    document.styles["Title"].font.size = Pt(20)
    _language(document)


def _mark(paragraph, notice: tuple[str, str]) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(notice[0])
    run.bold = True
    run.font.color.rgb = RED
    paragraph.add_run("\n")
    run = paragraph.add_run(notice[1])
    run.bold = True
    run.font.color.rgb = RED


def _header_footer(document, content: PackContent) -> None:
    section = document.sections[0]
    header = section.header.paragraphs[0]
    footer = section.footer.paragraphs[0]
    if content.notice:
        _mark(header, content.notice)
        _mark(footer, content.notice)
    else:
        header.text = f"{content.office[0]}　{content.office[1]}"
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        footer.text = f"{content.release.title_zh} · {format_beijing(content.release.instant, 'zh')}"
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _add_spans(paragraph, spans) -> None:
    for span in spans:
        run = paragraph.add_run(span.text)
        run.bold = span.bold or None
        run.italic = span.italic or None


def _interpretation(document, text: str) -> None:
    for block in markdown_blocks(text):
        if block.kind == "heading":
            paragraph = document.add_heading(level=min(3, block.level + 1))
        elif block.kind == "bullet":
            paragraph = document.add_paragraph(style="List Bullet")
        elif block.kind == "number":
            paragraph = document.add_paragraph(style="List Number")
        elif block.kind == "quote":
            paragraph = document.add_paragraph(style="Quote")
        else:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(24)
        _add_spans(paragraph, block.spans)


def _cell(cell, text: str, *, bold: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.font.size = Pt(10)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _key_figures(document, content: PackContent) -> None:
    header = ("指标 Indicator", "时期 Period", "数值 Value", "单位 Unit", "增长% Growth %", "标志 Flag")
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell(cell, text, bold=True)
    for key in content.key_figures:
        row, growth = key.row, key.growth
        cells = table.add_row().cells
        _cell(cells[0], f"{row.series.name_zh}\n{row.series.name_en}")
        _cell(cells[1], f"{row.period_label('zh')}\n{row.period_label('en')}")
        _cell(cells[2], row.formatted(), right=True)
        unit = row.series.unit_zh if row.series.unit_zh == row.series.unit_en else \
            f"{row.series.unit_zh}\n{row.series.unit_en}"
        _cell(cells[3], unit)
        _cell(cells[4], growth.formatted() if growth else "", right=True)
        _cell(cells[5], key.flags)
    widths = (Cm(5.2), Cm(3.0), Cm(2.6), Cm(2.6), Cm(2.0), Cm(1.2))
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid LibreOffice reads
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def write_docx(content: PackContent, charts: list[RenderedChart], path: Path) -> None:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    _styles(document)
    _header_footer(document, content)
    release = content.release
    props = document.core_properties
    props.title, props.author, props.language = release.title_zh, content.office[0], "zh-CN"
    props.subject = release.title_en
    props.created = props.modified = content.now.replace(tzinfo=None)

    if content.notice:
        _mark(document.add_paragraph(), content.notice)
    document.add_heading(release.title_zh, level=0)
    document.add_paragraph(release.title_en, style="Subtitle")
    document.add_paragraph(f"发布时间：{format_beijing(release.instant, 'zh')}　"
                           f"Release: {format_beijing(release.instant, 'en')}")
    if content.office.notice:  # e.g. a demonstration's invented figures say so
        document.add_paragraph(f"{content.office.notice[0]}　{content.office.notice[1]}")
    if release.revision_stage:
        document.add_paragraph(f"修订说明：{release.revision_reason_zh or ''}　"
                               f"Revision: {release.revision_reason_en or ''}")

    document.add_heading("主要指标 Key figures", level=1)
    _key_figures(document, content)
    flags = sorted({f for r in content.rows for f in r.status})
    if flags:
        legend = "；".join(f"{f}：{FLAGS[f]['zh']} {FLAGS[f]['en']}" for f in flags)
        document.add_paragraph(f"标志说明 Flags — {legend}").runs[0].font.size = Pt(9)

    if "zh" in content.interpretation:
        document.add_page_break()
        _interpretation(document, content.interpretation["zh"])
    if "en" in content.interpretation:
        document.add_page_break()
        _interpretation(document, content.interpretation["en"])

    if charts:
        document.add_page_break()
        document.add_heading("图表 Charts", level=1)
        for chart, spec in zip(charts, content.charts, strict=True):
            document.add_picture(str(chart.png), width=Cm(16.5))
            caption = document.add_paragraph(f"图 {spec.slug[:2].lstrip('0')}　{spec.topic.name_zh} "
                                             f"Figure {spec.slug[:2].lstrip('0')}: {spec.topic.name_en}")
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(f"数据来源：{content.source('zh')}　Source: {content.source('en')}")
    if content.office.licence:
        document.add_paragraph(f"许可 Licence: {content.office.licence}")
    document.save(path)
