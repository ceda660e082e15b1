"""The benchmarks' synthetic warehouses stay usable as the product changes: a small site warehouse
is published by the gate (approvals included), and the API bench's content root is valid."""

from __future__ import annotations

from datetime import timedelta

from bench.api_data import _content_root
from bench.site_bench import NOW
from bench.site_data import build
from statpub.kernel.config import Settings
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader


def test_small_site_warehouse_is_published_at_its_instants(tmp_path):
    data_dir = build(tmp_path / "site", series=3, years=1)
    snapshot = WarehouseReader(data_dir).snapshot()
    gate = Gate(snapshot, NOW)
    public = {r.id for r in gate.visible_releases()}
    assert public == {rid for rid, r in snapshot.releases.items() if r.instant <= NOW}
    assert len(public) == 12 and not gate.delayed_releases()
    first = min(snapshot.releases.values(), key=lambda r: r.instant)
    assert first.id not in {r.id for r in Gate(snapshot, first.instant - timedelta(seconds=1)).visible_releases()}
    assert gate.observations(["S00000"]).num_rows == 12


def test_api_bench_content_root_is_valid(tmp_path):
    _content_root(tmp_path)
    settings = Settings(root=tmp_path, warehouse_dir=tmp_path / "warehouse")
    catalogue = settings.content.load_catalogue()
    settings.content.load_calendar(catalogue)
