"""The API and files against a real server (gunicorn, 127.0.0.1), read by real clients:
requests, pandas/pyarrow over fsspec HTTP (Range requests), pyjstat, and compared with the gate."""

from __future__ import annotations

import io
import math

import fsspec
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
import requests
from fsspec.implementations.http import HTTPFile
from pyjstat import pyjstat

from tests.fixtures.api import AFTER, FINAL

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(demo_settings):
    from tests.helpers import start_server

    started = start_server(demo_settings, now=AFTER, workers=2)
    yield started
    started.stop()


def gate_values(gate, code: str, **kwargs) -> list[tuple]:
    return [(r["period"], r["value"], r["status"], r["release_id"])
            for r in gate.observations([code], **kwargs).to_pylist()]


def test_series_observations_equal_the_gate(server, gate_at):
    gate = gate_at(AFTER)
    body = server.get("/api/v1/series/GDP/observations").json()
    assert body["count"] == len(body["observations"]) > 20
    assert [(o["period"], o["value"], o["status"], o["release_id"]) for o in body["observations"]] == \
        gate_values(gate, "GDP")
    window = server.get("/api/v1/series/GDP/observations?start=2024-Q1&end=2024-Q4").json()["observations"]
    assert [o["period"] for o in window] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]


def test_as_of_answers_what_was_public_then(server, gate_at):
    gate = gate_at(AFTER)
    as_of = "2025-06-01T00:00:00+08:00"
    body = server.get("/api/v1/series/GDP/observations", params={"as_of": as_of}).json()
    expected = gate_values(gate, "GDP", as_of=gate_at(as_of).now)
    assert [(o["period"], o["value"], o["status"], o["release_id"]) for o in body["observations"]] == expected
    assert all(o["period"] <= "2025-Q1" for o in body["observations"])
    future = server.get("/api/v1/series/GDP/observations", params={"as_of": "2027-06-01T00:00:00+08:00"})
    assert future.status_code == 400 and future.json()["parameter"] == "as_of"


def test_every_vintage_alfred_style(server, gate_at):
    body = server.get("/api/v1/series/GDP/observations?vintages=all&start=2025-Q4&end=2025-Q4").json()
    vintages = [(o["release_id"], o["value"]) for o in body["observations"]]
    assert len(vintages) >= 2 and vintages[-1][0] == FINAL
    assert body["observations"][0]["valid_to"] == body["observations"][1]["vintage"]
    listed = server.get("/api/v1/series/GDP/vintages").json()["vintages"]
    assert [v["release_id"] for v in listed] == [rid for rid, _ in gate_at(AFTER).vintages("GDP")]


def test_transforms(server):
    lin = {o["period"]: o["value"] for o in server.get("/api/v1/series/GDP/observations").json()["observations"]}
    single = {o["period"]: o["value"] for o in
              server.get("/api/v1/series/GDP/observations?units=single").json()["observations"]}
    assert math.isclose(single["2024-Q3"], lin["2024-Q3"] - lin["2024-Q2"])
    pc1 = server.get("/api/v1/series/GDP/observations?units=pc1&start=2025-Q1&end=2025-Q1").json()
    assert pc1["units"]["derived"] is True
    assert math.isclose(pc1["observations"][0]["value"], (lin["2025-Q1"] / lin["2024-Q1"] - 1) * 100)
    refused = server.get("/api/v1/series/GDP_GROWTH/observations?units=pch")
    assert refused.status_code == 400 and refused.json()["parameter"] == "units"


def test_bad_parameters_are_400_naming_them(server):
    for query, name in [("start=2024-Q9", "start"), ("format=xml", "format"), ("unit=pch", "unit"),
                        ("start=2025&end=2024", "end"), ("vintages=all&units=pc1", "units")]:
        response = server.get(f"/api/v1/series/GDP/observations?{query}")
        body = response.json()
        assert response.status_code == 400, query
        assert body["parameter"] == name and body["code"] == "bad_parameter" and body["message"]
    assert server.get("/api/v1/series?limit=5000").json()["parameter"] == "limit"


def test_series_list_filters_and_pages(server):
    page = server.get("/api/v1/series?limit=5").json()
    assert page["total"] > 5 and len(page["series"]) == 5 and page["next"].endswith("offset=5")
    assert server.get("/api/v1/series?q=居民消费价格").json()["series"][0]["unit"]["zh"]
    topic = server.get("/api/v1/series?topic=prices&frequency=M").json()["series"]
    assert all(s["topic"] == "prices" and s["frequency"] == "M" for s in topic)


def test_releases_and_calendar(server):
    releases = server.get("/api/v1/releases").json()
    assert releases["releases"][0]["id"] == FINAL
    one = server.get(f"/api/v1/releases/{FINAL}").json()
    assert one["observation_count"] == 32 and one["revisions"]
    assert all(r["previous_release_id"] for r in one["revisions"])
    calendar = server.get("/api/v1/calendar?year=2027").json()["releases"]
    assert calendar and all(not r["public"] and "links" not in r for r in calendar)


def test_cors_etag_and_cache_lifetimes(server):
    response = server.get("/api/v1/series/GDP", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    again = server.get("/api/v1/series/GDP", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    preflight = requests.options(f"{server.url}/api/v1/series", timeout=10, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200 and "GET" in preflight.headers["Access-Control-Allow-Methods"]
    pinned = server.get(f"/api/v1/files/{FINAL}/values.csv")
    assert "immutable" in pinned.headers["Cache-Control"] and len(pinned.headers["ETag"]) == 66
    latest = server.get("/api/v1/files/latest/values.csv")
    assert latest.content == pinned.content and latest.headers["ETag"] == pinned.headers["ETag"]
    assert latest.headers["Cache-Control"] == "public, max-age=300"
    assert latest.headers["Link"] == f'</api/v1/files/{FINAL}/values.csv>; rel="canonical"'


def test_parquet_over_http_with_range_requests(server, gate_at):
    """pandas/pyarrow read the history through fsspec HTTP, which asks for byte ranges; the server
    answers each with exactly those bytes, and the values equal the gate's."""
    path = "/api/v1/files/latest/history.parquet"
    whole = server.get(path).content
    part = server.get(path, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.content == whole[100:1100]
    assert part.headers["Content-Range"] == f"bytes 100-1099/{len(whole)}"
    tail = server.get(path, headers={"Range": "bytes=-8"})
    assert tail.content == whole[-8:] and tail.content.endswith(b"PAR1")
    assert server.get(path, headers={"Range": f"bytes={len(whole) + 10}-"}).status_code == 416

    fs = fsspec.filesystem("http")
    with fs.open(server.url + path, block_size=2048, cache_type="bytes") as handle:
        # A random-access file (sized by HEAD, read with Range GETs), not a one-shot stream.
        assert isinstance(handle, HTTPFile) and handle.size == len(whole)
        table = pq.read_table(handle, filters=[("series_code", "=", "GDP")])
        assert handle.cache.miss_count >= 1  # ranged GETs were made
    history = gate_at(AFTER).observations(["GDP"], all_vintages=True).to_pylist()
    assert [(r["period"], r["value"], r["release_id"]) for r in table.to_pylist()] == \
        [(r["period"], r["value"], r["release_id"]) for r in history]
    frame = pd.read_parquet(server.url + path, storage_options={"block_size": 2048},
                            filters=[("series_code", "=", "GDP")])
    assert frame["value"].tolist() == [r["value"] for r in history]


def test_release_partitions_form_the_history_dataset(server):
    """The per-release files are the history partitioned by vintage: read together as one dataset
    over HTTP they hold exactly the rows of the single history file."""
    package = server.get("/api/v1/files/latest/datapackage.json").json()
    base = f"{server.url}/api/v1/files/latest/"
    parts = [base + r["path"].replace(".csv", ".parquet") for r in package["resources"]
             if r["name"].startswith("release-")]
    dataset = ds.dataset(parts, format="parquet", filesystem=fsspec.filesystem("http"))
    union = dataset.to_table(columns=["series_code", "period", "value", "release_id"]).to_pylist()
    history = pq.read_table(io.BytesIO(server.get("/api/v1/files/latest/history.parquet").content)).to_pylist()
    key = lambda r: (r["series_code"], r["period"], r["release_id"])  # noqa: E731
    assert sorted((key(r), r["value"]) for r in union) == sorted((key(r), r["value"]) for r in history)


def test_jsonstat_reads_back_with_pyjstat(server, gate_at):
    dataset = pyjstat.Dataset.read(f"{server.url}/api/v1/releases/{FINAL}/observations?format=jsonstat")
    frame = dataset.write("dataframe", naming="id")
    got = {(r.series, r.period): r.value for r in frame.itertuples() if not pd.isna(r.value)}
    expected = {(r["series_code"], r["period"]): r["value"]
                for r in gate_at(AFTER).release_observations(FINAL).to_pylist() if r["value"] is not None}
    assert got == expected and len(got) == 32
    series = pyjstat.Dataset.read(f"{server.url}/api/v1/files/latest/series/GDP.jsonstat.json")
    values = series.write("dataframe", naming="id").dropna(subset=["value"])
    assert dict(zip(values.period, values.value, strict=True)) == \
        {r["period"]: r["value"] for r in gate_at(AFTER).observations(["GDP"]).to_pylist()}


def test_csv_and_parquet_formats_agree(server, gate_at):
    csv = pd.read_csv(io.BytesIO(server.get("/api/v1/series/CPI/observations?format=csv").content),
                      encoding="utf-8-sig")
    parquet = pd.read_parquet(io.BytesIO(server.get("/api/v1/series/CPI/observations?format=parquet").content))
    expected = [r["value"] for r in gate_at(AFTER).observations(["CPI"]).to_pylist()]
    assert csv["value"].tolist() == parquet["value"].tolist() == expected
    assert set(csv["unit_zh"]) and set(parquet["unit_en"])


def test_citation_names_office_series_vintage_and_url(server):
    text = server.get("/api/v1/series/GDP/citation").text
    assert "Statistics Bureau" in text and "GDP" in text and FINAL in text and "/api/v1/files/" in text
    body = server.get("/api/v1/series/GDP/citation?vintage=2024-q3-economy&format=json").json()
    assert body["vintage"] == "2024-q3-economy" and "2024" in body["citation"]["zh"]


def test_rate_limit_is_429_with_retry_after(demo_settings):
    from tests.helpers import start_server

    limited = start_server(demo_settings, now=AFTER, env={"STATPUB_API_RATE": "3/60"})
    try:
        codes = [limited.get("/api/v1/series/GDP").status_code for _ in range(4)]
        refused = limited.get("/api/v1/series/GDP")
    finally:
        limited.stop()
    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["code"] == "too_many_requests"
