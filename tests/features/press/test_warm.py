"""Pack charts drawn when a release's pre-release window opens (the `press.charts` job of the one
scheduler): the first press account's pack then draws nothing; a release press accounts may not
see yet (no approval) is left alone. On a second, small office."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from statpub.etl.load import load
from statpub.features.press.pack import build_pack
from statpub.features.press.service import chart_cache, office_of
from statpub.features.press.warm import chart_jobs, draw_window_charts
from statpub.kernel.clock import Clock
from statpub.kernel.jobs import collect_jobs, job_plugins
from statpub.warehouse.gate import Gate, Reader
from statpub.warehouse.reader import WarehouseReader
from tests.etl.builder import MiniRoot, approve_all

SERIES = ["GDP", "PART_A", "PART_B"]
ROWS = "series_code,period,value,status\nGDP,{p},100,p\nPART_A,{p},40,p\nPART_B,{p},60,p\n"


def _files(folder: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in folder.rglob("*") if p.is_file()}


def test_window_opening_draws_the_pack_charts_the_first_pack_then_reuses(tmp_path: Path):
    root = MiniRoot(tmp_path / "office")
    sources = [{"file": "d.csv", "layout": "long"}]
    root.add("q1", "2024-04-19T10:00:00+08:00", SERIES, sources, {"d.csv": ROWS.format(p="2024-Q1")}, provenance=True)
    clock = Clock(start=datetime(2024, 4, 1, tzinfo=UTC))
    load(root.settings, clock=clock)
    approve_all(root.settings, clock)
    root.add("q2", "2024-07-19T10:00:00+08:00", SERIES, sources, {"d.csv": ROWS.format(p="2024-Q2")}, provenance=True)
    load(root.settings, clock=clock)  # q2 not approved: press accounts do not see it in its window
    reader = WarehouseReader(root.settings.warehouse_dir)
    snapshot = reader.snapshot()
    q1, q2 = snapshot.releases["q1"], snapshot.releases["q2"]
    opening = q1.instant - q1.window

    [job] = chart_jobs(root.settings)
    assert job.name in {j.name for j in collect_jobs(job_plugins(), root.settings)}
    assert job.next_due(opening - timedelta(seconds=1)) == opening
    assert draw_window_charts(root.settings, reader, opening - timedelta(hours=1)) == []  # no window opens then
    assert draw_window_charts(root.settings, reader, q2.instant - q2.window) == []
    cache_dir = root.settings.warehouse_dir / "cache" / "press-charts"
    assert not _files(cache_dir)

    assert draw_window_charts(root.settings, reader, opening) == ["q1"]
    drawn = _files(cache_dir)
    assert any(name.endswith(".png") for name in drawn) and any(name.endswith(".svg") for name in drawn)

    gate = Gate(snapshot, opening + timedelta(minutes=5), Reader("alice", "press"))
    pack = build_pack(gate, "q1", tmp_path / "pack", cache=chart_cache(root.settings), office=office_of(root.settings, gate))
    assert pack.embargoed and _files(cache_dir) == drawn  # every chart came from the cache


def test_the_job_is_due_at_each_window_opening_of_the_demo(demo_settings):
    releases = WarehouseReader(demo_settings.warehouse_dir).snapshot().releases.values()
    openings = sorted({r.instant - r.window for r in releases if r.publishable_state})
    [job] = chart_jobs(demo_settings)
    assert job.next_due(openings[0] - timedelta(seconds=1)) == openings[0]
    assert job.next_due(openings[-2]) == openings[-1] and job.next_due(openings[-1]) is None
