"""SDMX on a second, small office: its agency and names come from its content root, its embargoed
release is in no structure or data answer, flags and notes travel, and last_n keeps up."""

from __future__ import annotations

import io

import pandas as pd
import sdmx

from statpub.dashboards.sdmx import model as M
from tests.fixtures.mini import MINI_OFFICE

AGENCY = "DATA_MINI_OFFICE_EXAMPLE"


def test_agency_and_names_come_from_the_content_root(mini_client):
    index = mini_client.get("/api/v1/sdmx/").get_json()
    assert index["agency"] == AGENCY
    structure = sdmx.read_sdmx(io.BytesIO(mini_client.get("/api/v1/sdmx/structure").data))
    flow = structure.dataflow[M.DATAFLOW_ID]
    assert MINI_OFFICE["zh"] in str(flow.name.localizations["zh"])
    assert flow.maintainer.id == AGENCY
    assert [c.id for c in structure.codelist["CL_INDICATOR"]] == ["GDP", "PART_A", "PART_B"]


def test_data_carry_flags_notes_and_the_revision_not_the_embargoed_release(mini_client):
    body = mini_client.get("/api/v1/series/GDP/observations?format=sdmx-csv").data
    frame = pd.read_csv(io.BytesIO(body), keep_default_na=False)
    assert list(frame["TIME_PERIOD"]) == ["2024-Q1"]  # q2 is embargoed
    row = frame.iloc[0]
    assert (row["OBS_VALUE"], row["OBS_FLAGS"], row["RELEASE_ID"], row["OBS_STATUS"]) == (101.5, "r", "q1-final", "A")
    first = pd.read_csv(io.BytesIO(mini_client.get(
        "/api/v1/series/GDP/observations?format=sdmx-csv&as_of=2024-05-01T00:00:00%2B08:00").data),
        keep_default_na=False).iloc[0]
    assert (first["OBS_VALUE"], first["OBS_STATUS"], first["COMMENT_OBS"]) == (100.0, "P", "初步核算")
    refused = mini_client.get("/api/v1/series/GDP/observations?format=sdmx-ml&vintages=all")
    assert refused.status_code == 400 and refused.get_json()["parameter"] == "format"
    history = pd.read_csv(io.BytesIO(mini_client.get("/api/v1/files/latest/history.sdmx.csv").data))
    assert sorted(history[history["INDICATOR"] == "GDP"]["RELEASE_ID"]) == ["q1", "q1-final"]
    assert "q2" not in mini_client.get("/api/v1/sdmx/data/OBSERVATIONS/all?format=sdmx-csv").data.decode()


def test_last_n_and_first_n():
    import pyarrow as pa

    from statpub.dashboards.api.shapes import keep_periods

    rows = pa.table({"series_code": ["A"] * 5 + ["B"] * 2, "period": ["1", "2", "2", "3", "4", "1", "2"]})
    assert keep_periods(rows, last_n=2).column("period").to_pylist() == ["3", "4", "1", "2"]
    assert keep_periods(rows, first_n=2).column("period").to_pylist() == ["1", "2", "2", "1", "2"]
    assert keep_periods(rows).num_rows == 7


def test_last_n_on_the_api(api_client):
    client = api_client()
    every = client.get("/api/v1/series/GDP/observations").get_json()["observations"]
    last = client.get("/api/v1/series/GDP/observations?last_n=8").get_json()["observations"]
    assert last == every[-8:]
    first = client.get("/api/v1/series/GDP/observations?first_n=3&units=pc1").get_json()["observations"]
    assert len(first) == 3
    both = client.get("/api/v1/series/GDP/observations?first_n=3&last_n=2")
    assert both.status_code == 400 and both.get_json()["parameter"] == "last_n"
