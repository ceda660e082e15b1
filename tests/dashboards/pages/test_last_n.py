"""`last_n` in explorer URLs: the view, its table and its downloads keep only the latest N periods,
so a saved link keeps up with new releases; a hand-made value no control offers is refused."""

from __future__ import annotations

import pytest

from statpub.dashboards.pages.explorer_model import (
    BadChoice,
    compute_view,
    state_from_inputs,
    state_from_query,
)


def test_the_view_keeps_the_latest_periods(gate_after):
    every = compute_view(gate_after, state_from_query({"series": "GDP,GDP_GROWTH"}))
    last = compute_view(gate_after, state_from_query({"series": "GDP,GDP_GROWTH", "last_n": "8"}))
    assert last.periods == every.periods[-8:]
    assert all(p.period in last.periods for s in last.series for p in s.points)
    assert state_from_query({"series": "GDP", "last_n": "8"}).query()["last_n"] == 8
    assert state_from_query({"series": "GDP", "last_n": "x"}).last_n is None  # an old link still opens
    with pytest.raises(BadChoice):
        state_from_inputs(["GDP"], "lin", None, None, "line", None, "0")


def test_downloads_follow_last_n(after_client):
    redirect = after_client.get("/download/view.csv?series=GDP&last_n=4")
    assert redirect.status_code == 302 and "last_n=4" in redirect.headers["Location"]
    body = after_client.get(redirect.headers["Location"]).get_data(as_text=True)
    assert len(body.strip().splitlines()) == 1 + 4
