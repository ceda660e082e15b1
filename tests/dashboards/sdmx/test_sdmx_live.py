"""SDMX against a real server (gunicorn on 127.0.0.1), read by real clients: sdmx1's Client talks
to /api/v1/sdmx/ as to any statistics office's SDMX-REST endpoint (structures, then data), sdmx1
reads the SDMX-ML and SDMX-CSV answers of the API and the files, and pandas reads the SDMX-CSV.
Values, flags, notes and units are compared with the gate's."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
import sdmx

from statpub.dashboards.sdmx import model as M
from tests.fixtures.api import AFTER, FINAL

pytestmark = pytest.mark.slow
AGENCY = "STATS_EXAMPLE_GOV_CN"


@pytest.fixture(scope="module")
def server(demo_settings):
    from tests.helpers import start_server

    started = start_server(demo_settings, now=AFTER, workers=2, env={"STATPUB_API_RATE": "0"})
    yield started
    started.stop()


@pytest.fixture(scope="module")
def client(server):
    sdmx.add_source({"id": AGENCY, "url": f"{server.url}/api/v1/sdmx", "name": "statpub (test)"}, override=True)
    return sdmx.Client(AGENCY)


@pytest.fixture(scope="module")
def dsd(client):
    return client.dataflow(M.DATAFLOW_ID).structure[M.DSD_ID]


def same(a, b) -> bool:
    if b is None:
        return a is None or a == "" or (isinstance(a, float) and math.isnan(a))
    return math.isclose(float(a), b)


def test_the_client_reads_the_structures(client, gate_at):
    message = client.dataflow(M.DATAFLOW_ID)
    flow = message.dataflow[M.DATAFLOW_ID]
    dsd = message.structure[M.DSD_ID]
    assert flow.structure is dsd or flow.structure.id == M.DSD_ID
    assert [d.id for d in dsd.dimensions] == list(M.DIMENSIONS)
    assert {a.id for a in dsd.attributes} == {*M.OBS_ATTRIBUTES, *M.SERIES_ATTRIBUTES}
    indicators = message.codelist["CL_INDICATOR"]
    public = [s.code for s in gate_at(AFTER).series()]
    assert [c.id for c in indicators] == public
    assert str(indicators["GDP"].name.localizations["zh"]) == "地区生产总值"
    assert {c.id for c in message.codelist["CL_OBS_STATUS"]} == {"A", "B", "E", "P", "Q"}
    assert {c.id for c in message.codelist["CL_FREQ"]} == {"A", "Q", "M"}
    assert {"P1Y", "P3M", "P1M"} <= {c.id for c in message.codelist["CL_TIME_FORMAT"]}
    codelists = client.codelist("CL_UNIT")
    assert "100_MILLION_YUAN" in {c.id for c in codelists.codelist["CL_UNIT"]}


def test_the_client_queries_data_and_gets_the_gates_figures(client, dsd, gate_at):
    gate = gate_at(AFTER)
    message = client.data(M.DATAFLOW_ID, key={"INDICATOR": ["GDP", "GDP_GROWTH"]}, dsd=dsd,
                          params={"lastNObservations": 6})
    frame = sdmx.to_pandas(message.data[0], attributes="o").reset_index()
    for code in ("GDP", "GDP_GROWTH"):
        expected = gate.observations([code]).to_pylist()[-6:]
        mine = frame[frame["INDICATOR"] == code].sort_values("TIME_PERIOD")
        assert list(mine["TIME_PERIOD"]) == [r["period"] for r in expected]
        assert all(same(a, b["value"]) for a, b in zip(mine["value"], expected, strict=True))
        assert list(mine["OBS_STATUS"]) == [M.obs_status(r["status"] or "") for r in expected]
    series_keys = list(message.data[0].series)
    unit = {sk.values["INDICATOR"].value: sk.attrib["UNIT_MEASURE"].value for sk in series_keys}
    assert unit == {"GDP": "100_MILLION_YUAN", "GDP_GROWTH": "PCT"}


def test_series_and_release_answers_read_by_sdmx1_and_pandas(server, dsd, gate_at, tmp_path):
    gate = gate_at(AFTER)
    expected = gate.observations(["GDP"]).to_pylist()
    xml = server.get("/api/v1/series/GDP/observations?format=sdmx-ml")
    assert xml.status_code == 200 and xml.headers["Content-Type"].startswith("application/vnd.sdmx.structurespecificdata+xml")
    message = sdmx.read_sdmx(io.BytesIO(xml.content), structure=dsd)
    observations = sorted(message.data[0].obs, key=lambda o: o.dimension["TIME_PERIOD"].value)
    assert [o.dimension["TIME_PERIOD"].value for o in observations] == [r["period"] for r in expected]
    assert [o.attached_attribute["RELEASE_ID"].value for o in observations] == [r["release_id"] for r in expected]
    assert all(same(o.value, r["value"]) for o, r in zip(observations, expected, strict=True))

    csv = pd.read_csv(f"{server.url}/api/v1/series/GDP/observations?format=sdmx-csv", dtype={"OBS_FLAGS": str},
                      keep_default_na=False, na_values={"OBS_VALUE": [""]})
    assert list(csv.columns) == list(M.CSV_COLUMNS)
    assert list(csv["TIME_PERIOD"]) == [r["period"] for r in expected]
    assert list(csv["OBS_FLAGS"]) == [r["status"] or "" for r in expected]
    assert set(csv["STRUCTURE_ID"]) == {f"{AGENCY}:{M.DATAFLOW_ID}(1.0)"}

    release = gate.release_observations(FINAL).to_pylist()
    text = server.get(f"/api/v1/releases/{FINAL}/observations?format=sdmx-csv").content
    (tmp_path / "release.csv").write_bytes(text)
    read = sdmx.read_sdmx(tmp_path / "release.csv", structure=dsd)
    assert sorted(float(o.value) for o in read.data[0].obs if o.value not in (None, "")) == \
        sorted(r["value"] for r in release if r["value"] is not None)
    frame = pd.read_csv(io.BytesIO(text), keep_default_na=False, na_values={"OBS_VALUE": [""]})
    assert len(frame) == len(release) and set(frame["RELEASE_ID"]) == {FINAL}


def test_files_beside_the_parquet_ones(server, dsd, gate_at):
    gate = gate_at(AFTER)
    values = server.get(f"/api/v1/files/{FINAL}/values.sdmx.xml")
    assert values.status_code == 200 and "immutable" in values.headers["Cache-Control"]
    message = sdmx.read_sdmx(io.BytesIO(values.content), structure=dsd)
    assert len(message.data[0].obs) == gate.history(latest_only=True).read_all().num_rows
    release_csv = server.get(f"/api/v1/files/{FINAL}/releases/{FINAL}.sdmx.csv")
    assert release_csv.status_code == 200 and release_csv.content.startswith(b'"STRUCTURE"')
    history = pd.read_csv(f"{server.url}/api/v1/files/{FINAL}/history.sdmx.csv")
    assert len(history) == gate.history().read_all().num_rows
    assert set(history["STRUCTURE_ID"]) == {f"{AGENCY}:{M.HISTORY_DATAFLOW_ID}(1.0)"}
    # the history's key includes the release: no two rows share one
    assert not history.duplicated(["INDICATOR", "TRANSFORMATION", "RELEASE_ID", "TIME_PERIOD"]).any()
    series_file = server.get("/api/v1/files/latest/series/GDP.sdmx.xml")
    assert series_file.status_code == 200 and series_file.headers.get("Link")


def test_pysdmx_checks_the_structures_against_the_sdmx_schemas(server, gate_at):
    """pysdmx validates SDMX-ML against SDMX 2.1's XML schema and SDMX-JSON against the SDMX-JSON
    2.0 structure schema while reading; both carry the same artefacts, the JSON with both languages."""
    from pysdmx.io import read_sdmx

    xml = server.get("/api/v1/sdmx/structure")
    as_json = server.get("/api/v1/sdmx/structure", headers={"Accept": "application/vnd.sdmx.structure+json"})
    assert as_json.headers["Content-Type"].startswith("application/vnd.sdmx.structure+json")
    from_xml, from_json = read_sdmx(xml.text), read_sdmx(as_json.text)
    ids = sorted(s.id for s in from_xml.structures)
    assert ids == sorted(s.id for s in from_json.structures)
    assert {"OBSERVATIONS", "HISTORY", "DSD_OBSERVATIONS", "CL_INDICATOR", "CL_OBS_STATUS"} <= set(ids)
    body = as_json.json()
    indicators = next(c for c in body["data"]["codelists"] if c["id"] == "CL_INDICATOR")
    gdp = next(c for c in indicators["codes"] if c["id"] == "GDP")
    assert gdp["names"] == {"zh": "地区生产总值", "en": "Gross domestic product (GDP) of the region"}
    assert [c["id"] for c in indicators["codes"]] == [s.code for s in gate_at(AFTER).series()]
    data = read_sdmx(server.get("/api/v1/series/GDP/observations?format=sdmx-ml").text)
    frame = data.data[0].data
    assert len(frame) == gate_at(AFTER).observations(["GDP"]).num_rows
