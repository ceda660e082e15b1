"""The annual report as a Word document (python-docx): Chinese set in 宋体/黑体 through the East
Asian font slots, English alongside; a draft is marked as such. Its own module so that python-docx
loads only when a report is written, not in every web worker."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from statpub.dashboards.word_fonts import set_fonts
from statpub.features.register.report.tables import Report

DRAFT = ("草稿：本报告尚未审核公开", "DRAFT: not yet reviewed and published")


def _cell_text(value: object) -> str:
    if isinstance(value, dict):
        return f"{value.get('zh', '')}\n{value.get('en', '')}"
    return "" if value is None else f"{value:,}" if isinstance(value, int) else str(value)


def docx_bytes(report: Report, office: str = "") -> bytes:
    document = Document()
    set_fonts(document.styles["Normal"], "Times New Roman", "宋体")
    document.styles["Normal"].font.size = Pt(11)
    for name in ("Title", "Heading 1", "Heading 2"):
        set_fonts(document.styles[name], "Arial", "黑体")
    document.core_properties.title = report.title["zh"]
    if not report.public:
        mark = document.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = mark.add_run(" · ".join(DRAFT))
        run.bold = True
        run.font.color.rgb = RGBColor(0xB0, 0x00, 0x20)
    document.add_heading(f"{office}{report.title['zh']}", level=0)
    document.add_paragraph().add_run(report.title["en"]).italic = True
    for section in report.sections:
        document.add_heading(f"{section['title']['zh']} · {section['title']['en']}", level=1)
        if section.get("text"):
            document.add_paragraph(section["text"]["zh"])
            document.add_paragraph().add_run(section["text"]["en"]).italic = True
        for found in section.get("tables", []):
            document.add_paragraph(f"{found['caption']['zh']} · {found['caption']['en']}", style="Heading 2")
            table = document.add_table(rows=1, cols=len(found["columns"]))
            table.style = "Table Grid"
            for cell, column in zip(table.rows[0].cells, found["columns"], strict=True):
                cell.text = _cell_text(column)
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in found["rows"]:
                cells = table.add_row().cells
                for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
                    cell.text = _cell_text(value)
                    if index:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_docx(report: Report, folder: Path, office: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"annual-report-{report.year}.docx"
    path.write_bytes(docx_bytes(report, office))
    return path
