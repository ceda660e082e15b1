"""Reading a briefing pack back with the libraries an office would use, for comparison with the
gate: every figure, every mark."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation


@dataclass
class OpenedPack:
    names: list[str]
    files: dict[str, bytes]
    manifest: dict

    def one(self, suffix: str) -> bytes:
        [name] = [n for n in self.names if n.endswith(suffix)]
        return self.files[name]

    def docx(self):
        return Document(io.BytesIO(self.one("press-release.docx")))

    def xlsx(self):
        return load_workbook(io.BytesIO(self.one("tables.xlsx")))

    def pptx(self):
        return Presentation(io.BytesIO(self.one("slides.pptx")))

    def parquet(self):
        return pq.read_table(io.BytesIO(self.one("data.parquet")))

    def csv_text(self) -> str:
        return self.one("data.csv").decode("utf-8-sig")

    def xml_text(self, suffix: str) -> str:
        """Every XML part of an Office file, concatenated (to search for a mark anywhere)."""
        with zipfile.ZipFile(io.BytesIO(self.one(suffix))) as office:
            return "".join(office.read(n).decode("utf-8", "replace") for n in office.namelist()
                           if n.endswith(".xml") or n.endswith(".rels"))


def open_pack(data: bytes | Path) -> OpenedPack:
    raw = data.read_bytes() if isinstance(data, Path) else data
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = archive.namelist()
        files = {n: archive.read(n) for n in names}
    [manifest_name] = [n for n in names if n.endswith("manifest.json")]
    return OpenedPack(names, files, json.loads(files[manifest_name]))


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def slide_texts(presentation) -> list[str]:
    out = []
    for slide in presentation.slides:
        texts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
        out.append("\n".join(texts))
    return out
