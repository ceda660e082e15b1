"""The briefing pack: press text (DOCX), tables (XLSX), charts (PNG, SVG), slides (PPTX), data."""

from statpub.features.press.pack.build import Pack, build_pack

__all__ = ["Pack", "build_pack"]
