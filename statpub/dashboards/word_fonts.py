"""Fonts in Word documents the site and its features write (python-docx): Chinese text needs its
font named in the East Asian slot of a style or run, which python-docx's `font.name` does not set.
Imported only by the writers of documents, so python-docx stays out of web workers until a
document is asked for."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def set_fonts(target, latin: str, east_asia: str) -> None:
    """Set the Latin and East Asian fonts of a style or a run (and prefer the East Asian one for
    characters both could show, such as Chinese punctuation)."""
    target.font.name = latin
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")
