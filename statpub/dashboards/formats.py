"""Output formats, registered in one place. Every download and API file goes through these
renderers, so CSV, XLSX, Parquet and JSON carry the same columns: figures with their units,
flags and notes in both languages, the release that published them and its instant (vintage).

Spreadsheets never run what a text says (formula injection): in CSV a text field starting with
`= + - @`, tab or carriage return is prefixed with a single quote, as OWASP advises, while numbers
stay numbers (a negative value is not text); in XLSX every text cell is stored as text, so a note
starting with `=` never becomes a formula (`text_cells_as_text`, also used by the briefing pack).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from statpub.dashboards.bundle import write_bundle
from statpub.dashboards.sdmx import data as sdmx_data
from statpub.dashboards.sdmx import model as sdmx_model
from statpub.kernel.clock import format_beijing
from statpub.kernel.flags import describe
from statpub.warehouse.reader import SeriesInfo


@dataclass(frozen=True)
class ExportTable:
    """Observations as the gate returned them, with what a reader needs to use them."""

    rows: pa.Table  # series_code, period, value, status, note, release_id, vintage
    series: dict[str, SeriesInfo]
    title_zh: str
    title_en: str
    source_zh: str
    source_en: str
    citation: str
    extra_metadata: dict[str, str] = field(default_factory=dict)
    licence: str = ""  # the office's licence, as one line (name in both languages and its address)
    # For SDMX: the transform the figures went through (lin: as published) and who maintains the
    # structure they follow (the office, from the content root).
    transform: str = "lin"
    agency: sdmx_model.Agency | None = None

    def records(self) -> list[dict]:
        """Rows with the series' names, units and flags spelled out in both languages."""
        out = []
        for row in self.rows.to_pylist():
            info = self.series.get(row["series_code"])
            out.append({
                "series_code": row["series_code"],
                "series_name_zh": info.name_zh if info else "",
                "series_name_en": info.name_en if info else "",
                "period": row["period"],
                "value": row["value"],
                "unit_zh": info.unit_zh if info else "",
                "unit_en": info.unit_en if info else "",
                "status": row["status"] or "",
                "status_zh": describe(row["status"] or "", "zh"),
                "status_en": describe(row["status"] or "", "en"),
                "note": row["note"] or "",
                "release_id": row["release_id"],
                "vintage": row["vintage"].isoformat() if row["vintage"] is not None else "",
            })
        return out


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START_RE = "^[=+\\-@\t\r]"


def neutralise(text: str) -> str:
    """A CSV text field a spreadsheet will not read as a formula (OWASP: a leading quote)."""
    return "'" + text if text and text.startswith(FORMULA_START) else text


def text_cells_as_text(workbook) -> None:
    """Store every text cell of an openpyxl workbook as text: openpyxl types a string starting
    with `=` as a formula, and statpub never writes formulas."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type != "s":
                    cell.data_type = "s"


COLUMNS = ("series_code", "series_name_zh", "series_name_en", "period", "value", "unit_zh", "unit_en",
           "status", "status_zh", "status_en", "note", "release_id", "vintage")


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    mimetype: str
    write: Callable[[ExportTable, Path], None]


def write_csv(table: ExportTable, path: Path) -> None:
    # UTF-8 with BOM, so Excel in China opens it with the right encoding.
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for record in table.records():
        record = {key: neutralise(value) if isinstance(value, str) else value for key, value in record.items()}
        record["value"] = "" if record["value"] is None else repr(record["value"])
        writer.writerow(record)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def write_json(table: ExportTable, path: Path) -> None:
    body = {"title": {"zh": table.title_zh, "en": table.title_en},
            "source": {"zh": table.source_zh, "en": table.source_en}, "citation": table.citation,
            **({"licence": table.licence} if table.licence else {}),
            **({"metadata": table.extra_metadata} if table.extra_metadata else {}),
            "observations": table.records()}
    path.write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def write_parquet(table: ExportTable, path: Path) -> None:
    """Types kept (value double, vintage timestamp); series metadata in the key-value metadata."""
    records = table.records()
    arrow = pa.table({
        name: pa.array([r[name] for r in records], type=pa.float64() if name == "value" else pa.string())
        for name in COLUMNS if name != "vintage"
    })
    arrow = arrow.append_column("vintage", table.rows.column("vintage").cast(pa.timestamp("us", tz="UTC"))
                                if table.rows.num_rows else pa.array([], pa.timestamp("us", tz="UTC")))
    series_meta = {code: {"name_zh": s.name_zh, "name_en": s.name_en, "unit_zh": s.unit_zh, "unit_en": s.unit_en,
                          "frequency": s.frequency, "decimals": s.decimals, "cumulative": s.cumulative,
                          "measure": s.measure, "prices": s.prices}
                   for code, s in table.series.items()}
    metadata = {b"statpub.title": json.dumps({"zh": table.title_zh, "en": table.title_en}, ensure_ascii=False).encode(),
                b"statpub.source": json.dumps({"zh": table.source_zh, "en": table.source_en}, ensure_ascii=False).encode(),
                b"statpub.citation": table.citation.encode(),
                **({b"statpub.licence_text": table.licence.encode()} if table.licence else {}),
                b"statpub.series": json.dumps(series_meta, ensure_ascii=False).encode()}
    metadata.update({f"statpub.{k}".encode(): v.encode() for k, v in table.extra_metadata.items()})
    arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), **metadata})
    pq.write_table(arrow, path, compression="zstd")


def excel_number_format(decimals: int) -> str:
    """Excel's number format for a series' decimals, with thousands separators."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def write_xlsx(table: ExportTable, path: Path) -> None:
    """Title, units, flags and notes as columns, source and citation, frozen header, number
    formats with each series' decimals."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "data"
    ws.append([f"{table.title_zh} / {table.title_en}"])
    ws["A1"].font = Font(bold=True, size=13)
    header = ["指标代码 Code", "指标 Indicator", "Indicator", "时期 Period", "数值 Value", "单位 Unit", "Unit",
              "标志 Flag", "标志说明", "Flag meaning", "注 Note", "发布 Release", "发布时间 Vintage (Beijing time)"]
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for record in table.records():
        info = table.series.get(record["series_code"])
        vintage = ""
        if record["vintage"]:
            vintage = format_beijing(datetime.fromisoformat(record["vintage"]), "zh")
        ws.append([record["series_code"], record["series_name_zh"], record["series_name_en"], record["period"],
                   record["value"], record["unit_zh"], record["unit_en"], record["status"], record["status_zh"],
                   record["status_en"], record["note"], record["release_id"], vintage])
        if info is not None and record["value"] is not None:
            ws.cell(row=ws.max_row, column=5).number_format = excel_number_format(info.decimals)
    ws.freeze_panes = "A3"
    ws.append([])
    ws.append([f"数据来源：{table.source_zh}"])
    ws.append([f"Source: {table.source_en}"])
    ws.append([f"引用 Citation: {table.citation}"])
    if table.licence:
        ws.append([f"许可 Licence: {table.licence}"])
    for letter, width in zip("ABCDEFGHIJKLM", (22, 26, 40, 12, 14, 12, 20, 8, 14, 20, 30, 26, 28), strict=True):
        ws.column_dimensions[letter].width = width
    text_cells_as_text(wb)
    wb.save(path)


def write_jsonstat(table: ExportTable, path: Path) -> None:
    """JSON-stat 2.0 (the format PxWeb, ONS and Eurostat serve): a cube with the dimensions series
    × period (× release when several vintages of a figure are present). Values and flags are
    sparse objects keyed by cell index, so a cube of mixed frequencies stays small; English labels,
    Chinese ones in `extension.zh`."""
    rows = table.rows.to_pylist()
    codes = list(dict.fromkeys(r["series_code"] for r in rows))
    periods = sorted({r["period"] for r in rows}, key=lambda p: (p[:4], len(p), p))
    several = len({(r["series_code"], r["period"]) for r in rows}) < len(rows)
    releases = list(dict.fromkeys(r["release_id"] for r in sorted(rows, key=lambda r: r["vintage"])))
    dims = ["series", "period", *(["release"] if several else [])]
    sizes = [len(codes), len(periods), *([len(releases)] if several else [])]
    where = {name: {v: i for i, v in enumerate(values)}
             for name, values in (("series", codes), ("period", periods), ("release", releases))}
    values: dict[str, float | None] = {}
    status: dict[str, str] = {}
    for r in rows:
        index = where["series"][r["series_code"]] * sizes[1] + where["period"][r["period"]]
        if several:
            index = index * sizes[2] + where["release"][r["release_id"]]
        values[str(index)] = r["value"]
        if r["status"]:
            status[str(index)] = r["status"]
    info = {c: table.series.get(c) for c in codes}
    series_dim = {"label": "Series", "category": {
        "index": where["series"],
        "label": {c: (s.name_en if s else c) for c, s in info.items()},
        "unit": {c: {"label": s.unit_en if s else "", "decimals": s.decimals if s else 0} for c, s in info.items()},
    }}
    dimension = {"series": series_dim,
                 "period": {"label": "Period", "category": {"index": where["period"]}}}
    if several:
        dimension["release"] = {"label": "Release (vintage)", "category": {"index": where["release"]}}
    vintages = [r["vintage"] for r in rows if r["vintage"] is not None]
    body = {
        "version": "2.0", "class": "dataset", "label": table.title_en, "source": table.source_en,
        **({"updated": max(vintages).isoformat()} if vintages else {}),
        "id": dims, "size": sizes, "role": {"time": ["period"], "metric": ["series"]},
        "dimension": dimension, "value": values, **({"status": status} if status else {}),
        "note": [table.citation, *([table.licence] if table.licence else [])],
        "extension": {"zh": {"label": table.title_zh, "source": table.source_zh,
                             "series": {c: s.name_zh for c, s in info.items() if s},
                             "unit": {c: s.unit_zh for c, s in info.items() if s}},
                      "flags": {f: describe(f, "en") for f in "prebc"},
                      **({"metadata": table.extra_metadata} if table.extra_metadata else {})},
    }
    path.write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _sdmx_message(table: ExportTable) -> sdmx_data.Message:
    if table.agency is None:
        raise ValueError("an SDMX export needs the agency (ExportTable.agency)")
    vintages = [v for v in table.rows.column("vintage").to_pylist() if v is not None]
    prepared = max(vintages) if vintages else datetime(1970, 1, 1, tzinfo=UTC)
    digest = hashlib.sha256(f"{table.title_en}|{table.transform}|{prepared.isoformat()}".encode()).hexdigest()[:16]
    return sdmx_data.Message(table.agency, table.transform, prepared, f"statpub-{digest}")


def write_sdmx_csv(table: ExportTable, path: Path) -> None:
    """SDMX-CSV 2.0 against the office's dataflow (structure under /api/v1/sdmx/)."""
    sdmx_data.write_sdmx_csv([table.rows], path, sdmx_data.SeriesLookup.of(table.series.values()),
                             _sdmx_message(table))


def write_sdmx_ml(table: ExportTable, path: Path) -> None:
    """SDMX-ML 2.1 structure-specific data against the office's DSD."""
    sdmx_data.write_sdmx_ml([table.rows], path, sdmx_data.SeriesLookup.of(table.series.values()),
                            _sdmx_message(table))


def write_zip(table: ExportTable, path: Path) -> None:
    """The data (CSV, Parquet) with a README and datapackage.json (statpub.dashboards.bundle)."""
    write_bundle(table, path, {name: FORMATS[name].write for name in ("csv", "parquet")}, COLUMNS)


# -- bulk files: every series at once, streamed from the gate in batches (never all in memory) ----
# (Bulk Parquet is written by DuckDB itself: Gate.copy_history.)
def _neutralise_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`neutralise` on every text column of a batch, vectorised."""
    import pyarrow.compute as pc

    for index, column in enumerate(batch.columns):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = pc.fill_null(pc.match_substring_regex(column, _FORMULA_START_RE), False)
            if pc.any(risky).as_py():
                fixed = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
                batch = batch.set_column(index, batch.schema.field(index), fixed)
    return batch


def write_csv_stream(batches: pa.RecordBatchReader, path: Path) -> int:
    """The same compact columns as CSV (UTF-8 with BOM for Excel; instants as ISO 8601 UTC; text
    fields neutralised against formulas)."""
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    rows = 0
    with open(path, "wb") as handle:
        handle.write("\ufeff".encode())
        writer = None
        for batch in batches:
            seconds = batch.column("vintage").cast(pa.timestamp("s", tz="UTC"), safe=False)
            vintage = pc.strftime(seconds, format="%Y-%m-%dT%H:%M:%SZ")
            batch = _neutralise_batch(batch.set_column(batch.schema.get_field_index("vintage"), "vintage", vintage))
            if writer is None:
                writer = pcsv.CSVWriter(handle, batch.schema,
                                        write_options=pcsv.WriteOptions(quoting_style="needed"))
            writer.write_batch(batch)
            rows += batch.num_rows
        if writer is None:
            handle.write(",".join(batches.schema.names).encode() + b"\n")
        else:
            writer.close()
    return rows


# Pinned files (a published vintage's files under /api/v1/files/<release>/) keep their bytes within
# a format version. A change to what a writer puts in such a file (a security fix, a new citation
# line) bumps its version here: the file cache builds the new bytes under a new key, and
# `statpub manifests record` appends the new version's sha256 to the manifest, once it has checked
# that the data inside did not change.
PINNED_FORMAT_VERSIONS: dict[str, int] = {
    "datapackage": 1, "history-parquet": 1, "values-parquet": 1, "values-csv": 1,
    "parquet": 1, "csv": 1, "jsonstat": 1,
    "sdmx-csv": 1, "sdmx-ml": 1, "zip": 1, "values-sdmx.csv": 1, "values-sdmx.xml": 1, "history-sdmx-csv": 1,
}

FORMATS: dict[str, Format] = {
    "csv": Format("csv", ".csv", "text/csv; charset=utf-8", write_csv),
    "xlsx": Format("xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", write_xlsx),
    "parquet": Format("parquet", ".parquet", "application/vnd.apache.parquet", write_parquet),
    "json": Format("json", ".json", "application/json", write_json),
    "jsonstat": Format("jsonstat", ".jsonstat.json", "application/json", write_jsonstat),
    "sdmx-csv": Format("sdmx-csv", ".sdmx.csv", sdmx_model.MEDIA_CSV, write_sdmx_csv),
    "sdmx-ml": Format("sdmx-ml", ".sdmx.xml", sdmx_model.MEDIA_ML, write_sdmx_ml),
    "zip": Format("zip", ".zip", "application/zip", write_zip),
}
