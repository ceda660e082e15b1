"""SDMX data messages written from the gate's observations: SDMX-CSV 2.0 and SDMX-ML 2.1
structure-specific data, both streamed batch by batch, so the whole history (ten million
figures) is written in bounded memory.

Why not sdmx1's writers: they build an object per observation and an lxml tree of the whole
message before writing a byte (about 0.75 s and tens of MB per 20,000 figures here), which does not
scale to the bulk files. These writers are checked against the real readers instead: sdmx1 reads
both messages back with the DSD served by the site (tests/dashboards/sdmx/)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from lxml import etree

from statpub.dashboards.sdmx import model as M
from statpub.warehouse.reader import SeriesInfo

NS_MESSAGE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
NS_COMMON = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
NS_SS = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_XML = "http://www.w3.org/XML/1998/namespace"


@dataclass(frozen=True)
class SeriesLookup:
    """Per series code, the values of the series-level attributes (as shown: a transform's unit)."""

    codes: pa.Array
    freq: pa.Array
    unit: pa.Array
    decimals: pa.Array
    time_format: pa.Array
    topic: pa.Array

    @classmethod
    def of(cls, series: Iterable[SeriesInfo]) -> SeriesLookup:
        infos = list(series)
        return cls(codes=pa.array([s.code for s in infos], pa.string()),
                   freq=pa.array([s.frequency for s in infos], pa.string()),
                   unit=pa.array([M.unit_id(s.unit_en) for s in infos], pa.string()),
                   decimals=pa.array([s.decimals for s in infos], pa.int32()),
                   time_format=pa.array([M.TIME_FORMATS[s.frequency] for s in infos], pa.string()),
                   topic=pa.array([s.topic for s in infos], pa.string()))

    def row(self, code: str) -> dict[str, str]:
        i = self.codes.index(code).as_py()
        if i < 0:
            return {}
        return {"FREQ": self.freq[i].as_py(), "UNIT_MEASURE": self.unit[i].as_py(),
                "DECIMALS": str(self.decimals[i].as_py()), "TIME_FORMAT": self.time_format[i].as_py(),
                "TOPIC": self.topic[i].as_py()}


@dataclass(frozen=True)
class Message:
    """What every data message says about itself."""

    agency: M.Agency
    transform: str  # statpub's transform name (lin for published figures)
    prepared: datetime  # a fixed instant (the vintage's), so the same figures give the same bytes
    message_id: str
    dataflow: str = M.DATAFLOW_ID  # HISTORY for every vintage (SDMX-CSV only)


def _mapped(values: pa.ChunkedArray | pa.Array, mapping) -> pa.Array:
    """Map a string column through a Python function, once per distinct value."""
    encoded = pc.dictionary_encode(pc.fill_null(values, ""))
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    names = pa.array([mapping(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return pc.take(names, encoded.indices)


def sdmx_csv_batch(batch: pa.RecordBatch | pa.Table, lookup: SeriesLookup, message: Message) -> pa.Table:
    """The SDMX-CSV 2.0 columns of a batch of gate rows (series_code, period, value, status, note,
    release_id, vintage)."""
    n = batch.num_rows
    where = pc.index_in(batch.column("series_code"), value_set=lookup.codes)
    vintage = pc.strftime(batch.column("vintage").cast(pa.timestamp("s", tz="UTC"), safe=False),
                          format="%Y-%m-%dT%H:%M:%SZ")
    columns = {
        "STRUCTURE": pa.repeat("dataflow", n), "STRUCTURE_ID": pa.repeat(message.agency.dataflow_ref(message.dataflow), n),
        "ACTION": pa.repeat("I", n),
        "FREQ": pc.take(lookup.freq, where), "INDICATOR": batch.column("series_code"),
        "TRANSFORMATION": pa.repeat(M.transformation_id(message.transform), n),
        "TIME_PERIOD": batch.column("period"), "OBS_VALUE": batch.column("value"),
        "OBS_STATUS": _mapped(batch.column("status"), M.obs_status),
        "CONF_STATUS": _mapped(batch.column("status"), M.conf_status),
        "OBS_FLAGS": pc.fill_null(batch.column("status"), ""), "COMMENT_OBS": pc.fill_null(batch.column("note"), ""),
        "RELEASE_ID": batch.column("release_id"), "VINTAGE": vintage,
        "UNIT_MEASURE": pc.take(lookup.unit, where), "DECIMALS": pc.take(lookup.decimals, where),
        "TIME_FORMAT": pc.take(lookup.time_format, where), "TOPIC": pc.take(lookup.topic, where),
    }
    return pa.table({name: columns[name] for name in M.CSV_COLUMNS})


def write_sdmx_csv(batches: Iterable[pa.RecordBatch | pa.Table], path: Path, lookup: SeriesLookup,
                   message: Message) -> int:
    """SDMX-CSV 2.0: UTF-8 without a byte-order mark (readers look for `STRUCTURE` as the first
    bytes), one header row of component ids, then one row per observation. Only the note can hold
    a comma, a quote or a line break (every other column is a code, a number or an instant), so a
    batch whose notes hold none is written without quotes: a fifth less to write and to read."""
    rows = 0
    with open(path, "wb") as handle:
        for batch in batches:
            table = sdmx_csv_batch(batch, lookup, message)
            special = pc.any(pc.match_substring_regex(table.column("COMMENT_OBS"), r'[",\r\n]')).as_py()
            pcsv.write_csv(table, handle, write_options=pcsv.WriteOptions(
                include_header=rows == 0, quoting_style="needed" if special else "none"))
            rows += table.num_rows
        if rows == 0:
            handle.write((",".join(M.CSV_COLUMNS) + "\n").encode())
    return rows


# -- SDMX-ML 2.1 structure-specific -------------------------------------------------------------
def _structure_id(agency: M.Agency) -> str:
    return f"{agency.id}_{M.DSD_ID}_{M.VERSION.replace('.', '_')}"


def _obs_namespace(agency: M.Agency) -> str:
    return f"{agency.urn_dsd()}:ObsLevelDim:TIME_PERIOD"


def _header(xf, message: Message) -> None:
    m, c = f"{{{NS_MESSAGE}}}", f"{{{NS_COMMON}}}"
    header = etree.Element(m + "Header", nsmap={"message": NS_MESSAGE, "common": NS_COMMON})
    etree.SubElement(header, m + "ID").text = message.message_id
    etree.SubElement(header, m + "Test").text = "false"
    etree.SubElement(header, m + "Prepared").text = message.prepared.isoformat().replace("+00:00", "Z")
    sender = etree.SubElement(header, m + "Sender", id=message.agency.id)
    for lang, name in (("zh", message.agency.name_zh), ("en", message.agency.name_en)):
        etree.SubElement(sender, c + "Name", {f"{{{NS_XML}}}lang": lang}).text = name
    structure = etree.SubElement(header, m + "Structure", structureID=_structure_id(message.agency),
                                 namespace=_obs_namespace(message.agency), dimensionAtObservation="TIME_PERIOD")
    ref = etree.SubElement(structure, c + "Structure")
    etree.SubElement(ref, "Ref", {"agencyID": message.agency.id, "id": M.DSD_ID, "version": M.VERSION,
                                  "class": "DataStructure", "package": "datastructure"})
    etree.SubElement(header, m + "DataSetAction").text = "Information"
    xf.write(header)


def _obs_attributes(row: dict) -> dict[str, str]:
    flags = row["status"] or ""
    out = {"TIME_PERIOD": row["period"]}
    if row["value"] is not None:
        out["OBS_VALUE"] = repr(float(row["value"]))
    out["OBS_STATUS"] = M.obs_status(flags)
    out["CONF_STATUS"] = M.conf_status(flags)
    if flags:
        out["OBS_FLAGS"] = flags
    if row["note"]:
        out["COMMENT_OBS"] = row["note"]
    out["RELEASE_ID"] = row["release_id"]
    if row["vintage"] is not None:
        out["VINTAGE"] = row["vintage"].isoformat().replace("+00:00", "Z")
    return out


def write_sdmx_ml(batches: Iterable[pa.RecordBatch | pa.Table], path: Path, lookup: SeriesLookup,
                  message: Message) -> int:
    """A structure-specific data message: one `Series` element per series (rows come sorted by
    series and period from the gate), observations at TIME_PERIOD."""
    rows = 0
    namespaces = {"message": NS_MESSAGE, "common": NS_COMMON, "ss": NS_SS, "xsi": NS_XSI,
                  "ns1": _obs_namespace(message.agency)}
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{NS_MESSAGE}}}StructureSpecificData", nsmap=namespaces):
            _header(xf, message)
            dataset = {f"{{{NS_SS}}}dataScope": "DataStructure", f"{{{NS_XSI}}}type": "ns1:DataSetType",
                       f"{{{NS_SS}}}structureRef": _structure_id(message.agency)}
            with xf.element(f"{{{NS_MESSAGE}}}DataSet", dataset):
                rows = _write_series(xf, batches, lookup, message)
    return rows


def _write_series(xf, batches, lookup: SeriesLookup, message: Message) -> int:
    rows = 0
    current: str | None = None
    series = None
    transformation = M.transformation_id(message.transform)
    try:
        for batch in batches:
            for row in batch.to_pylist():
                if row["series_code"] != current:
                    if series is not None:
                        series.__exit__(None, None, None)
                    current = row["series_code"]
                    attributes = lookup.row(current)
                    keys = {"FREQ": attributes.pop("FREQ", ""), "INDICATOR": current,
                            "TRANSFORMATION": transformation, **attributes}
                    series = xf.element("Series", keys)
                    series.__enter__()
                xf.write(etree.Element("Obs", _obs_attributes(row)))
                rows += 1
    finally:
        if series is not None:
            series.__exit__(None, None, None)
    return rows
