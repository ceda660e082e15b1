"""Unit tests of the API's parameter parsing, search, limits, memo and JSON shapes."""

from __future__ import annotations

import json
import time

import pytest
from werkzeug.datastructures import MultiDict

from statpub.dashboards.api import params as P
from statpub.dashboards.api.routes import search_series
from statpub.dashboards.api.shapes import observation_records, transformed
from statpub.dashboards.api.state import Answer, Memo, RateLimiter
from statpub.kernel.transforms import Point, apply


def test_unknown_and_repeated_parameters_are_refused_by_name():
    with pytest.raises(P.BadParameter) as unknown:
        P.parse_params(MultiDict({"unit": "pch"}), P.OBSERVATIONS)
    assert unknown.value.parameter == "unit"
    with pytest.raises(P.BadParameter) as twice:
        P.parse_params(MultiDict([("start", "2020"), ("start", "2021")]), P.OBSERVATIONS)
    assert twice.value.parameter == "start"


@pytest.mark.parametrize(("name", "value"), [
    ("start", "2020-Q5"), ("end", "20x0"), ("as_of", "2024-01-01T00:00:00"), ("as_of", "yesterday"),
    ("vintages", "some"), ("units", "log"), ("format", "xml"),
])
def test_bad_values_name_their_parameter(name, value):
    with pytest.raises(P.BadParameter) as err:
        P.parse_params(MultiDict({name: value}), P.OBSERVATIONS)
    assert err.value.parameter == name
    assert err.value.message.startswith(f"{name}: ")


def test_defaults_and_bounds():
    values = P.parse_params(MultiDict(), P.OBSERVATIONS)
    assert values == {"start": None, "end": None, "as_of": None, "vintages": "latest", "units": "lin",
                      "first_n": None, "last_n": None, "format": "json"}
    assert P.parse_params(MultiDict({"last_n": "8"}), P.OBSERVATIONS)["last_n"] == 8
    for bad in ("0", "-1", "x", "10001"):
        with pytest.raises(P.BadParameter):
            P.parse_params(MultiDict({"last_n": bad}), P.OBSERVATIONS)
    assert P.parse_params(MultiDict({"limit": "1000"}), P.SERIES_LIST)["limit"] == 1000
    for bad in ("0", "1001", "-1", "1e3"):
        with pytest.raises(P.BadParameter):
            P.parse_params(MultiDict({"limit": bad}), P.SERIES_LIST)
    with pytest.raises(P.BadParameter):
        P.parse_params(MultiDict({"q": "x" * 101}), P.SERIES_LIST)


def test_search_matches_chinese_and_english_names(gate_at):
    series = gate_at("2026-12-10T10:00:05+08:00").series()
    assert [s.code for s in search_series(series, None, None, "地区生产总值")][0] == "GDP"
    found = search_series(series, None, None, "consumer price")
    assert found and all("consumer price" in s.name_en.lower() for s in found)
    quarterly = search_series(series, "national-accounts", "Q", None)
    assert quarterly and all(s.topic == "national-accounts" and s.frequency == "Q" for s in quarterly)
    assert search_series(series, None, None, "no such thing at all") == []


def test_rate_limiter_refuses_past_the_burst_and_says_when_to_retry():
    limiter = RateLimiter(burst=3, window=60)
    assert [limiter.take("a")[0] for _ in range(4)] == [True, True, True, False]
    allowed, remaining, retry = limiter.take("a")
    assert not allowed and remaining == 0 and 1 <= retry <= 20
    assert limiter.take("b")[0]  # per client
    assert RateLimiter.from_setting("0") is None
    assert RateLimiter.from_setting("10/1").rate == 10


def test_memo_is_bounded_by_bytes():
    memo = Memo(max_bytes=250, max_item=100)
    for i in range(5):
        memo.put(("k", i), Answer("200 OK", (), b"x" * 100, None, 60))
    assert len(memo) == 2 and memo.get(("k", 4)) and memo.get(("k", 0)) is None
    memo.put(("big",), Answer("200 OK", (), b"x" * 101, None, 60))
    assert memo.get(("big",)) is None


def test_transformed_values_equal_the_shared_transforms(gate_at):
    gate = gate_at("2026-12-10T10:00:05+08:00")
    info = gate.series_info("GDP")
    rows = gate.observations(["GDP"])
    out = transformed(rows, info, "pc1").to_pylist()
    expected = apply([Point(r["period"], r["value"], r["status"]) for r in rows.to_pylist()], "pc1",
                     measure=info.measure, cumulative=info.cumulative)
    assert [(r["period"], r["value"]) for r in out] == [(p.period, p.value) for p in expected]
    assert any(r["value"] is not None for r in out)


def test_every_vintage_says_until_when_it_held(gate_at):
    gate = gate_at("2026-12-10T10:00:05+08:00")
    records = observation_records(gate.observations(["GDP"], start="2025-Q1", end="2025-Q1", all_vintages=True),
                                  all_vintages=True)
    assert len(records) >= 2
    for older, newer in zip(records, records[1:], strict=False):
        assert older["valid_to"] == newer["vintage"]
    assert records[-1]["valid_to"] is None and records[-1]["release_id"] == "2025-gdp-final-verification"


def test_too_many_rows_is_413_pointing_to_the_files(api_client, monkeypatch):
    monkeypatch.setattr(P, "MAX_ROWS", 3)
    response = api_client().get("/api/v1/series/GDP/observations")
    assert response.status_code == 413
    body = response.get_json()
    assert body["status"] == 413 and "/api/v1/files/" in body["message"]


def test_openapi_document_is_valid():
    from openapi_spec_validator import validate

    from statpub.dashboards.api.openapi import document
    from statpub.kernel.office import Licence, Office

    office = Office(name={"zh": "某局", "en": "Some office"}, short_name={"zh": "某局数据", "en": "Some data"},
                    base_url="https://data.example.org",
                    licence=Licence(name={"zh": "公共领域", "en": "Public domain"},
                                    url="https://creativecommons.org/publicdomain/zero/1.0/", spdx="CC0-1.0"))
    body = document(office)
    validate(json.loads(json.dumps(body)))
    assert body["info"]["title"] == "Some data API" and body["info"]["license"]["identifier"] == "CC0-1.0"


def test_public_state_changes_exactly_at_the_instant(demo_settings):
    from statpub.dashboards.api.state import PublicState
    from statpub.dashboards.hooks import plugin_manager
    from statpub.dashboards.services import Services
    from statpub.kernel.clock import Clock, parse_instant
    from statpub.warehouse.reader import WarehouseReader

    def view(at: str):
        svc = Services(demo_settings, Clock(start=parse_instant(at), anchor_epoch=time.time()),
                       WarehouseReader(demo_settings.warehouse_dir), plugin_manager([]))
        return PublicState(svc).current()

    before, after = view("2026-12-10T09:59:59+08:00"), view("2026-12-10T10:00:00+08:00")
    assert before.key != after.key
    assert before.latest_release != "2025-gdp-final-verification"
    assert after.latest_release == "2025-gdp-final-verification"
    assert view("2026-12-10T09:00:00+08:00").key == before.key


def test_memo_off_computes_every_answer_through_the_gate(api_client, monkeypatch, demo_settings):
    """STATPUB_API_MEMO=0 (what the benchmarks measure as the path right after an instant): no
    answer is kept in memory or in the shared disk cache; every request asks the gate, and the
    answers are the memoised ones byte for byte."""
    from statpub.dashboards.api.state import ENV_MEMO, memo_enabled
    from statpub.warehouse.gate import Gate

    assert memo_enabled(None) and memo_enabled("1") and not memo_enabled("0") and not memo_enabled("off")
    path = "/api/v1/series/GDP/observations?start=2024-Q1"
    remembered = api_client().get(path)
    monkeypatch.setenv(ENV_MEMO, "0")
    client = api_client()
    asked = []
    original = Gate.observations
    monkeypatch.setattr(Gate, "observations", lambda self, *a, **k: asked.append(a) or original(self, *a, **k))
    answers = [client.get(path) for _ in range(3)]
    assert len(asked) == 3
    assert {a.status_code for a in answers} == {200} and {a.data for a in answers} == {remembered.data}
    assert answers[0].headers["ETag"] == remembered.headers["ETag"]
    cache = demo_settings.warehouse_dir / "cache" / "api"
    before = sorted(p.name for p in cache.rglob("*")) if cache.exists() else []
    client.get("/api/v1/series/GDP/observations?start=2023-Q1")
    assert (sorted(p.name for p in cache.rglob("*")) if cache.exists() else []) == before
