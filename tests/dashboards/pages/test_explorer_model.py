"""The explorer's figures, computed through the gate: transforms, share of total, range, URL."""

from __future__ import annotations

import pytest

from statpub.dashboards.pages.explorer_model import (
    BadChoice,
    ExplorerState,
    compute_view,
    in_range,
    parse_vintage,
    state_from_inputs,
    state_from_query,
    view_arrow,
    vintage_code,
)


def values(view, code):
    series = next(s for s in view.series if s.info.code == code)
    return {p.period: p.value for p in series.points}


def test_state_round_trips_through_the_url():
    state = ExplorerState(series=("GDP", "RETAIL"), transform="pc1", start="2020-Q1", end="2024-Q4", chart="bar",
                          topic="national-accounts")
    query = {k: str(v) for k, v in state.query().items()}
    assert state_from_query(query) == state
    assert ExplorerState().query() == {"series": "GDP"}


def test_url_is_lenient_but_callbacks_are_strict():
    loose = state_from_query({"series": "GDP,bad code,RETAIL", "transform": "evil", "start": "2024-Q9",
                              "chart": "pie"})
    assert loose == ExplorerState(series=("GDP", "RETAIL"))
    with pytest.raises(BadChoice):
        state_from_inputs(["GDP", "bad code"], "lin", None, None, "line")
    with pytest.raises(BadChoice):
        state_from_inputs(["GDP"], "evil", None, None, "line")
    with pytest.raises(BadChoice):
        state_from_inputs(["GDP"], "lin", "2024-13", None, "line")
    assert state_from_inputs(None, None, "", "", None) == ExplorerState(series=())


def test_level_is_what_the_gate_publishes(gate_after):
    view = compute_view(gate_after, ExplorerState(series=("GDP",)))
    published = {r["period"]: r["value"] for r in gate_after.observations(["GDP"]).to_pylist()}
    assert values(view, "GDP") == published
    assert view.vintage == max(r["vintage"] for r in gate_after.observations(["GDP"]).to_pylist())


def test_year_on_year_and_single_quarter(gate_after):
    published = {r["period"]: r["value"] for r in gate_after.observations(["GDP"]).to_pylist()}
    yoy = values(compute_view(gate_after, ExplorerState(series=("GDP",), transform="pc1")), "GDP")
    assert yoy["2025-Q3"] == pytest.approx((published["2025-Q3"] / published["2024-Q3"] - 1) * 100)
    assert "2019-Q1" not in yoy  # nothing to compare with: left out, not shown blank
    single = values(compute_view(gate_after, ExplorerState(series=("GDP",), transform="single")), "GDP")
    assert single["2025-Q3"] == pytest.approx(published["2025-Q3"] - published["2025-Q2"])
    assert single["2025-Q1"] == published["2025-Q1"]


def test_share_of_total(gate_after):
    view = compute_view(gate_after, ExplorerState(series=("GDP_PRIMARY", "CPI"), transform="share"))
    rows = {(r["series_code"], r["period"]): r["value"]
            for r in gate_after.observations(["GDP", "GDP_PRIMARY"]).to_pylist()}
    share = values(view, "GDP_PRIMARY")
    assert share["2025-Q4"] == pytest.approx(rows[("GDP_PRIMARY", "2025-Q4")] / rows[("GDP", "2025-Q4")] * 100)
    assert [s.code for s in view.not_applicable] == ["CPI"]
    assert view.series[0].info.unit_en == "%" and "Share of total" in view.series[0].info.name_en


def test_range_and_unknown_series(gate_before):
    view = compute_view(gate_before, ExplorerState(series=("GDP", "POPULATION", "NOPE"), start="2023-Q3",
                                                   end="2024-Q2"))
    assert set(values(view, "GDP")) == {"2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2"}
    assert set(values(view, "POPULATION")) == {"2023"}
    assert view.unknown == ("NOPE",)
    table = view_arrow(view)
    assert table.num_rows == 5 and table.column_names[:3] == ["series_code", "period", "value"]


def test_embargoed_figures_are_not_in_the_view_before_the_instant(gate_before, gate_after):
    state = ExplorerState(series=("GDP",), start="2025-Q1", end="2025-Q4")
    before, after = compute_view(gate_before, state), compute_view(gate_after, state)
    assert values(before, "GDP") != values(after, "GDP")  # the final verification revised them
    assert {p.release_id for p in after.series[0].points} == {"2025-gdp-final-verification"}
    assert "2025-gdp-final-verification" not in {p.release_id for p in before.series[0].points}


def test_period_range_and_vintage_codes():
    assert in_range("2024", "2024-Q1", "2024-Q4") and not in_range("2024", "2024-Q1", "2024-Q3")
    assert in_range("2024-07", "2024-Q3", None) and not in_range("2024-06", "2024-Q3", None)
    instant = parse_vintage("20261210T020000Z")
    assert vintage_code(instant) == "20261210T020000Z"
    with pytest.raises(BadChoice):
        parse_vintage("2026-12-10")
