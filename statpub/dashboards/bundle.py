"""The ZIP every download offers: the data (CSV and Parquet, through the shared formats), a
README that says what it is, its units and flags, its source and licence and how to cite it (in
Chinese and English), and a Frictionless `datapackage.json` describing the data.

Deterministic: the same figures give the same bytes (fixed member dates and order), so a ZIP of a
published vintage can be cached as immutable like every other file."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from statpub.kernel.flags import FLAGS

# A fixed date for every member (ZIP stores local times; 1980 is its epoch), so bytes repeat.
MEMBER_DATE = (2000, 1, 1, 0, 0, 0)
DATA_FIELDS = {"value": "number", "vintage": "datetime"}


def readme(table) -> str:
    """What the bundle holds, in both languages."""
    series = list(table.series.values())
    units_zh = "\n".join(f"- {s.code} {s.name_zh}：{s.unit_zh}（{s.decimals}位小数）" for s in series)
    units_en = "\n".join(f"- {s.code} {s.name_en}: {s.unit_en} ({s.decimals} decimals)" for s in series)
    flags_zh = "\n".join(f"- {k}：{v['zh']}" for k, v in FLAGS.items())
    flags_en = "\n".join(f"- {k}: {v['en']}" for k, v in FLAGS.items())
    licence_zh = licence_en = table.licence or table.extra_metadata.get("licence", "")
    return f"""# {table.title_zh}
# {table.title_en}

## 内容
data.csv（UTF-8，带 BOM，可直接用 Excel 打开）与 data.parquet：每行一个数据，列出指标、时期、数值、单位、
标志、注、发布该数据的发布及其发布时间（版本）。datapackage.json 按 Frictionless Data Package 描述各列。

## 单位
{units_zh}

## 标志
{flags_zh}

## 数据来源
{table.source_zh}

## 许可
{licence_zh}

## 引用
{table.citation}

---

## What this is
data.csv (UTF-8 with a byte-order mark, opens in Excel) and data.parquet: one row per figure, with the
series, period, value, unit, flags, note, and the release that published it with its instant (vintage).
datapackage.json describes every column (Frictionless Data Package).

## Units
{units_en}

## Flags
{flags_en}

## Source
{table.source_en}

## Licence
{licence_en}

## How to cite
{table.citation}
"""


def datapackage(table, name: str, columns: Sequence[str]) -> dict:
    return {
        "name": name, "profile": "data-package", "title": table.title_en, "description": table.title_zh,
        "licenses": [{"name": "licence", "title": table.licence or table.extra_metadata.get("licence", ""),
                      **({"path": table.extra_metadata["licence_url"]} if table.extra_metadata.get("licence_url")
                         else {})}],
        "sources": [{"title": table.source_en}], "citation": table.citation,
        "resources": [
            {"name": "data", "path": "data.csv", "format": "csv", "encoding": "utf-8-sig", "mediatype": "text/csv",
             "schema": {"fields": [{"name": c, "type": DATA_FIELDS.get(c, "string")} for c in columns]}},
            {"name": "data-parquet", "path": "data.parquet", "format": "parquet",
             "mediatype": "application/vnd.apache.parquet"},
        ],
    }


def write_bundle(table, path: Path, writers: dict[str, Callable[[object, Path], None]], columns: Sequence[str]) -> None:
    """The ZIP of `table`: its data written by `writers` (`csv`, `parquet`: the shared formats, which
    call this with their own writers and columns), a README and datapackage.json."""
    with tempfile.TemporaryDirectory(prefix="statpub-zip-") as tmp:
        members = []
        for fmt in ("csv", "parquet"):
            member = Path(tmp) / f"data.{fmt}"
            writers[fmt](table, member)
            members.append((f"data.{fmt}", member.read_bytes()))
        members.append(("README.md", readme(table).encode("utf-8")))
        members.append(("datapackage.json", json.dumps(datapackage(table, "statpub-download", columns), ensure_ascii=False,
                                                       indent=1).encode("utf-8")))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for member_name, data in members:
                info = zipfile.ZipInfo(member_name, date_time=MEMBER_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
        path.write_bytes(buffer.getvalue())
