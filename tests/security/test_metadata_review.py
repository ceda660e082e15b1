"""Finding 2 of the outside probe: a series name changed in `catalogue.yaml` went public after a
plain `statpub load`, with no approval.

Everything public about the content — series names, units, definitions, topic names, the office's
identity — passes 先审查、后公开: with the release that carries it (content hash version 2 covers
it), or by an approval of its own (`statpub approve --metadata`). Until then the previously
approved text stays public. Approvals made under hash version 1 stay valid for what they approved.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pyarrow.parquet as pq
import pytest

from statpub.dashboards.app import create_app
from statpub.etl.approvals import Approval, append_approval, for_release, read_approvals
from statpub.etl.load import load
from statpub.etl.review_config import approvals_path
from statpub.kernel.clock import Clock, parse_instant
from statpub.warehouse.hash_versions import CURRENT, VERSIONS, combine
from statpub.warehouse.reader import WarehouseReader
from tests.etl.builder import MiniRoot, approve_all
from tests.helpers import run_cli

SERIES = ["GDP", "PART_A", "PART_B"]
ROWS = "series_code,period,value\nGDP,{p},100\nPART_A,{p},40\nPART_B,{p},60\n"
FIRST, SECOND = "2024-04-19T10:00:00+08:00", "2024-07-19T10:00:00+08:00"
BETWEEN = parse_instant("2024-06-01T10:00:00+08:00")
AFTER = parse_instant("2024-08-01T10:00:00+08:00")


def _edit(mini: MiniRoot, old: str, new: str, file: str = "catalogue.yaml") -> None:
    path = mini.root / "releases" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _approve(mini: MiniRoot, release_id: str) -> None:
    """What `statpub approve` records (without its checks, which tests/review covers)."""
    snapshot = WarehouseReader(mini.settings.warehouse_dir).snapshot()
    cur = snapshot.cursor()
    try:
        record = for_release(cur, release_id, "审核员 Reviewer", BETWEEN, "test")
    finally:
        cur.close()
    append_approval(approvals_path(mini.settings.content), record)
    load(mini.settings, clock=Clock(start=BETWEEN))


def _public(settings, at) -> dict:
    client = create_app(settings, Clock(start=at)).server.test_client()
    series = client.get("/api/v1/series/GDP").get_json()
    csv = client.get("/api/v1/series/GDP/observations?format=csv").get_data(as_text=True)
    return {"name": series["name"]["en"], "topic": client.get("/api/v1/series?topic=accounts").status_code,
            "csv": csv, "datapackage": client.get("/api/v1/files/latest/datapackage.json").get_data(as_text=True),
            "licence": pq.read_metadata(io.BytesIO(client.get("/api/v1/files/latest/history.parquet").get_data()))
            .metadata[b"licence"].decode(),
            "feed": client.get("/feed/accounts.atom?lang=en").get_data(as_text=True)}


@pytest.fixture
def mini(tmp_path):
    mini = MiniRoot(tmp_path)
    mini.add("q1", FIRST, SERIES, [{"file": "d.csv", "layout": "long"}], {"d.csv": ROWS.format(p="2024-Q1")})
    load(mini.settings, clock=Clock(start=BETWEEN))
    approve_all(mini.settings, Clock(start=BETWEEN))
    return mini


def test_an_edited_name_stays_unpublished_until_approved_on_its_own(mini):
    assert _public(mini.settings, BETWEEN)["name"] == "GDP"
    _edit(mini, "name: {zh: 地区生产总值, en: GDP}", "name: {zh: 地区生产总值, en: Gross regional product}")
    _edit(mini, "en: CC0 1.0 Universal Public Domain Dedication", "en: all rights reserved", "office.yaml")
    load(mini.settings, clock=Clock(start=BETWEEN))  # a plain load publishes nothing new
    before = _public(mini.settings, BETWEEN)
    assert before["name"] == "GDP" and "Gross regional product" not in before["csv"] + before["datapackage"]
    assert before["licence"] == "CC0 1.0 Universal Public Domain Dedication"
    status = run_cli("status", "--json", settings=mini.settings, now=BETWEEN.isoformat())
    assert "series:GDP" in status.stdout and "office" in status.stdout  # staff see what awaits approval
    approved = run_cli("approve", "--metadata", "--reviewer", "审核员 Reviewer", settings=mini.settings,
                       now=BETWEEN.isoformat())
    assert approved.returncode == 0, approved.stderr
    after = _public(mini.settings, BETWEEN + timedelta(minutes=1))
    assert after["name"] == "Gross regional product" and after["licence"] == "all rights reserved"


def test_metadata_approved_with_a_release_goes_public_with_it(mini):
    mini.add("q2", SECOND, SERIES, [{"file": "d.csv", "layout": "long"}], {"d.csv": ROWS.format(p="2024-Q2")})
    _edit(mini, "name: {zh: 核算, en: Accounts}", "name: {zh: 国民核算, en: National accounts}")
    load(mini.settings, clock=Clock(start=BETWEEN))
    _approve(mini, "q2")  # (q1 went public before: `statpub approve` would refuse it)
    [record] = [a for a in read_approvals(approvals_path(mini.settings.content))[0] if a.release == "q2"]
    assert record.hash_version == CURRENT and "topic:accounts" in record.items
    assert "National accounts" not in _public(mini.settings, BETWEEN)["feed"]  # before q2's instant
    assert "National accounts" in _public(mini.settings, AFTER)["feed"]


def test_approvals_under_an_older_hash_version_stay_valid_for_what_they_approved(mini):
    snapshot = WarehouseReader(mini.settings.warehouse_dir).snapshot()
    cur = snapshot.cursor()
    data, texts, entry = cur.execute("SELECT data_hash, texts_hash, entry_hash FROM release_content "
                                     "WHERE release_id = 'q1'").fetchone()
    cur.close()
    parts = {"data": data, "texts": texts, "entry": entry}
    assert combine(parts, 1) != combine({**parts, "metadata": "0" * 64}, 2)  # the versions differ
    mini.add("q2", SECOND, SERIES, [{"file": "d.csv", "layout": "long"}], {"d.csv": ROWS.format(p="2024-Q2")})
    load(mini.settings, clock=Clock(start=BETWEEN))
    approve_all(mini.settings, Clock(start=BETWEEN))
    path = approvals_path(mini.settings.content)
    append_approval(path, Approval(release="q1", reviewer="v1 reviewer", approved_at=BETWEEN, content_hash=combine(parts, 1),
                                   **parts))  # as statpub wrote approvals before versions existed
    _edit(mini, "unit: {zh: 亿元, en: 100 million yuan}", "unit: {zh: 亿元, en: CNY 100 million}")
    load(mini.settings, clock=Clock(start=BETWEEN))
    releases = WarehouseReader(mini.settings.warehouse_dir).snapshot().releases
    assert releases["q1"].review.approved  # version 1 covers no metadata: still valid
    assert releases["q2"].review.approval == "void" and releases["q2"].review.changed == ("metadata",)
    assert set(VERSIONS) >= {1, 2}
    assert json.loads(run_cli("status", "--json", settings=mini.settings, now=BETWEEN.isoformat()).stdout)
