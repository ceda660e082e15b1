"""slides.pptx for the conference screen (16:9): a title slide, key-figure slides, one slide per
chart. When embargoed, every slide carries the mark in a red band at the top."""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from statpub.features.press.pack.charts import HEIGHT, WIDTH, RenderedChart
from statpub.features.press.pack.content import KeyFigure, PackContent
from statpub.features.press.pack.office import CJK_SCREEN, LATIN_SANS
from statpub.kernel.clock import format_beijing

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
RED = RGBColor(0xB0, 0x00, 0x20)
NAVY = RGBColor(0x1F, 0x2A, 0x44)
KEY_ROWS_PER_SLIDE = 10


def _style(run, size: int, *, bold: bool = False, color: RGBColor = NAVY) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color
    run.font.name = LATIN_SANS
    rpr = run._r.get_or_add_rPr()  # python-pptx sets only the Latin face; Chinese uses <a:ea>
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = rpr.makeelement(qn("a:ea"), {})
        rpr.append(ea)
    ea.set("typeface", CJK_SCREEN)


def _text(slide, left, top, width, height, lines: list[tuple[str, int, bool]], *,
          align=PP_ALIGN.LEFT, color: RGBColor = NAVY):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, (text, size, bold) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        _style(run, size, bold=bold, color=color)
    return box


def _mark(slide, content: PackContent) -> None:
    if not content.notice:
        return
    band = _text(slide, Inches(0.3), Inches(0.08), SLIDE_W - Inches(0.6), Inches(0.5),
                 [(f"{content.notice[0]}　{content.notice[1]}", 14, True)], align=PP_ALIGN.CENTER, color=RED)
    band.line.color.rgb = RED
    band.name = "Embargo notice"


def _title_slide(prs, content: PackContent) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    release = content.release
    _mark(slide, content)
    _text(slide, Inches(0.8), Inches(2.0), SLIDE_W - Inches(1.6), Inches(2.4),
          [(release.title_zh, 40, True), (release.title_en, 24, False)])
    _text(slide, Inches(0.8), Inches(4.8), SLIDE_W - Inches(1.6), Inches(1.4),
          [(f"{content.office[0]}", 18, False), (content.office[1], 14, False),
           (f"{format_beijing(release.instant, 'zh')}　{format_beijing(release.instant, 'en')}", 16, False)])


def _key_slide(prs, content: PackContent, keys: list[KeyFigure], part: int, parts: int) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _mark(slide, content)
    suffix = f"（{part}/{parts}）" if parts > 1 else ""
    _text(slide, Inches(0.6), Inches(0.65), SLIDE_W - Inches(1.2), Inches(0.8),
          [(f"主要指标 Key figures{suffix}", 28, True)])
    header = ("指标 Indicator", "时期 Period", "数值 Value", "单位 Unit", "同比增长（%）")
    shape = slide.shapes.add_table(len(keys) + 1, len(header), Inches(0.6), Inches(1.5),
                                   SLIDE_W - Inches(1.2), Inches(0.45) * (len(keys) + 1))
    table = shape.table
    for col, width in enumerate((4.6, 2.4, 2.0, 1.8, 1.3)):
        table.columns[col].width = Inches(width)
    for col, text in enumerate(header):
        _cell(table.cell(0, col), text, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF))
    for i, key in enumerate(keys, start=1):
        row, growth = key.row, key.growth
        values = (row.series.name_zh, row.period_label("zh"), row.formatted(), row.series.unit_zh,
                  growth.formatted() if growth else "")
        for col, text in enumerate(values):
            _cell(table.cell(i, col), text, bold=col == 2, right=col in (2, 4))


def _cell(cell, text: str, *, bold: bool = False, right: bool = False, color: RGBColor = NAVY) -> None:
    paragraph = cell.text_frame.paragraphs[0]
    run = paragraph.add_run()
    run.text = text
    _style(run, 14, bold=bold, color=color)
    if right:
        paragraph.alignment = PP_ALIGN.RIGHT


def _chart_slide(prs, content: PackContent, chart: RenderedChart) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _mark(slide, content)
    top = Inches(0.65) if content.notice else Inches(0.2)
    height = SLIDE_H - top - Inches(0.2)
    width = Emu(int(height * WIDTH / HEIGHT))
    slide.shapes.add_picture(str(chart.png), int((SLIDE_W - width) / 2), top, width, height)


def write_pptx(content: PackContent, charts: list[RenderedChart], path: Path) -> None:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    _title_slide(prs, content)
    keys = list(content.key_figures)
    parts = max(1, -(-len(keys) // KEY_ROWS_PER_SLIDE))
    for part in range(parts):
        chunk = keys[part * KEY_ROWS_PER_SLIDE:(part + 1) * KEY_ROWS_PER_SLIDE]
        _key_slide(prs, content, chunk, part + 1, parts)
    for chart in charts:
        _chart_slide(prs, content, chart)
    props = prs.core_properties
    props.title, props.author = content.release.title_zh, content.office[0]
    props.created = props.modified = content.now.replace(tzinfo=None)
    prs.save(path)
