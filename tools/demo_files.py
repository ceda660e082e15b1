"""Writing source tables as an office's systems produce them, byte for byte reproducibly."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from statpub.kernel.modeline import modeline

FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


class _ContentDumper(yaml.SafeDumper):
    """Plain YAML for people: no anchors, short lists of names on one line."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(x, str) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_ContentDumper.add_representer(list, _list)


def write_yaml(path: Path, data: object, header: str = "") -> None:
    """A content file, starting with the line that tells editors its JSON Schema."""
    text = yaml.dump(data, Dumper=_ContentDumper, allow_unicode=True, sort_keys=False, width=110)
    path.write_text(modeline(path.name) + header + text, encoding="utf-8")


def write_csv(path: Path, header: list[str], rows: list[list[object]], encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def pin_xlsx_timestamps(path: Path) -> None:
    """openpyxl stamps the save time into the archive and docProps; pin both."""
    with zipfile.ZipFile(path) as src:
        items = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>",
                              rb"<dcterms:modified\1>2020-01-01T00:00:00Z</dcterms:modified>", data)
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data)


def new_workbook() -> Workbook:
    import datetime

    wb = Workbook()
    wb.properties.creator = "示例市统计局"
    wb.properties.created = datetime.datetime(2020, 1, 1)
    return wb


def write_wide_sheet(ws, title: str, header: list[str], rows: list[list[object]], notes: list[str],
                     decimals: list[int | None]) -> None:
    """A title row merged across the table, a header, indented labels, footnotes below."""
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
        for cell, dec in zip(ws[ws.max_row][1:], decimals[1:], strict=False):
            if isinstance(cell.value, float | int) and dec is not None:
                cell.number_format = "#,##0" + ("." + "0" * dec if dec else "")
    for note in notes:
        ws.append([note])
    ws.column_dimensions["A"].width = 34
    for letter in "BCDEFG":
        ws.column_dimensions[letter].width = 16


def save_workbook(wb: Workbook, path: Path) -> None:
    wb.save(path)
    pin_xlsx_timestamps(path)


def write_provenance(path: Path, date: str, description: str) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    write_yaml(path.with_name(path.name + ".provenance.yaml"), {
        "file": path.name,
        "source": "示例市统计局综合处（演示数据，非官方） / Example City Statistics Bureau (illustrative, not official)",
        "producer": "tools/make_demo_content.py",
        "description": description,
        "sha256": digest,
        "date": date,
    })
