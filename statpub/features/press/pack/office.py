"""Small helpers shared by the DOCX and PPTX writers: Chinese fonts and Markdown blocks.

Word, WPS and PowerPoint pick the font of Chinese characters from the East Asian slot of a run
(`w:rFonts/@w:eastAsia` in WordprocessingML, `a:ea` in DrawingML), not from the Latin name, so
both are set. LibreOffice on Linux substitutes Noto CJK for the Windows names through fontconfig.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import markdown

LATIN_SERIF = "Times New Roman"
LATIN_SANS = "Arial"
CJK_SERIF = "宋体"  # SimSun: body text of Chinese official documents
CJK_SANS = "黑体"  # SimHei: headings
CJK_SCREEN = "微软雅黑"  # Microsoft YaHei: slides


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    kind: str  # heading, paragraph, quote, bullet, number
    level: int
    spans: tuple[Span, ...]


def markdown_blocks(text: str) -> list[Block]:
    """The interpretation's Markdown as blocks of styled spans (rendered by the `markdown`
    library, then read back as XHTML)."""
    html = markdown.markdown(text, output_format="xhtml")
    try:
        root = ET.fromstring(f"<div>{html}</div>")
    except ET.ParseError:
        return [Block("paragraph", 0, (Span(line),)) for line in text.splitlines() if line.strip()]
    blocks: list[Block] = []
    for element in root:
        _collect(element, blocks, quote=False)
    return blocks


def _collect(element: ET.Element, blocks: list[Block], quote: bool) -> None:
    tag = element.tag.lower()
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        blocks.append(Block("heading", int(tag[1]), _spans(element)))
    elif tag == "p":
        blocks.append(Block("quote" if quote else "paragraph", 0, _spans(element)))
    elif tag == "blockquote":
        for child in element:
            _collect(child, blocks, quote=True)
    elif tag in ("ul", "ol"):
        for item in element.findall("li"):
            blocks.append(Block("bullet" if tag == "ul" else "number", 0, _spans(item)))
    else:
        spans = _spans(element)
        if spans:
            blocks.append(Block("paragraph", 0, spans))


def _spans(element: ET.Element, bold: bool = False, italic: bool = False) -> tuple[Span, ...]:
    out: list[Span] = []
    if element.text:
        out.append(Span(element.text, bold, italic))
    for child in element:
        tag = child.tag.lower()
        out.extend(_spans(child, bold or tag in ("strong", "b"), italic or tag in ("em", "i")))
        if child.tail:
            out.append(Span(child.tail, bold, italic))
    return tuple(s for s in out if s.text)
