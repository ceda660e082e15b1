"""The public's latest figures worked out ahead (warehouse/latest_view.py): a slice of the state's
file answers exactly what the DuckDB lookup and one SQL statement answer, on the demo and on a
second, small office; the next state's file is made before its instant and shows nothing early,
by a child process for a large snapshot; retention removes the files with their snapshot."""

from __future__ import annotations

import logging
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from statpub.etl.load import load
from statpub.kernel.clock import Clock
from statpub.warehouse import latest_view, publication, retention
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import Snapshot, WarehouseReader, open_snapshot
from tests.etl.builder import MiniRoot, approve_all
from tests.warehouse.test_lookup import reference

THREE = ["GDP", "PART_A", "PART_B"]


def fresh(snapshot: Snapshot) -> Snapshot:
    """A Snapshot object of its own (nothing opened or asked for in this process yet)."""
    return Snapshot(snapshot.path, snapshot.con)


def duckdb_path(gate: Gate, codes, **options) -> list[dict]:
    """What the gate answers without latest views."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(latest_view.ENV, "0")
        return gate.observations(codes, **options).to_pylist()


def wait_for(predicate, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("not ready in time")


@pytest.fixture()
def office(tmp_path: Path):
    """A small office: q1 public; q2 revises q1 (one revised cell confidential), approved, out at
    its instant; q3 after it, never approved (delayed)."""
    root = MiniRoot(tmp_path).add(
        "q1", "2024-04-19T10:00:00+08:00", THREE, [{"file": "d.csv", "layout": "long"}],
        {"d.csv": "series_code,period,value,status\nGDP,2024-Q1,100,p\nPART_A,2024-Q1,40,p\nPART_B,2024-Q1,60,p\n"})
    clock = Clock(start=datetime(2024, 5, 1, tzinfo=UTC))
    root.add("q2", "2024-07-19T10:00:00+08:00", THREE, [{"file": "d.csv", "layout": "long"}],
             {"d.csv": "series_code,period,value,status\nGDP,2024-Q1,101,r\nPART_A,2024-Q1,41,rc\nPART_B,2024-Q1,60,r\n"
                       "GDP,2024-Q2,210,p\nPART_A,2024-Q2,90,p\nPART_B,2024-Q2,120,p\n"},
             revision={"stage": "preliminary-verification", "reason": {"zh": "核实", "en": "verification"}})
    load(root.settings, clock=clock)
    approve_all(root.settings, clock)
    root.add("q3", "2024-10-19T10:00:00+08:00", THREE, [{"file": "d.csv", "layout": "long"}],
             {"d.csv": "series_code,period,value,status\nGDP,2024-Q3,300,p\nPART_A,2024-Q3,100,p\nPART_B,2024-Q3,200,p\n"})
    load(root.settings, clock=clock)
    return WarehouseReader(root.settings.warehouse_dir).snapshot()


def test_a_slice_of_the_file_answers_what_duckdb_and_one_sql_statement_answer(demo_settings):
    snapshot = fresh(WarehouseReader(demo_settings.warehouse_dir).snapshot())
    rng = random.Random(20261202)
    codes = list(snapshot.series)
    releases = sorted(snapshot.releases.values(), key=lambda r: r.instant)
    for release in rng.sample(releases, 6) + [releases[-1]]:
        gate = Gate(snapshot, release.instant + timedelta(seconds=1))
        assert latest_view.build_state(snapshot, gate._view) is not None
        view = latest_view.ready(snapshot, gate._view, gate.now)
        assert view is not None
        for _ in range(25):
            asked = rng.sample(codes, rng.randint(1, 4))
            options = rng.choice([{}, {"start": "2024-Q1"}, {"end": "2024-Q4"}, {"start": "2023", "end": "2025-12"}])
            expected = reference(gate, asked, **options)
            assert view.rows(tuple(asked), options.get("start"), options.get("end")).to_pylist() == expected
            assert gate.observations(asked, **options).to_pylist() == expected == duckdb_path(gate, asked, **options)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(latest_view.ENV, "0")
            assert gate.observations(asked).schema == view.rows(tuple(asked)).schema


@pytest.mark.parametrize("where", ["thread", "child process"])
def test_the_next_state_is_made_before_its_instant_and_shows_nothing_early(office, where, monkeypatch):
    if where == "child process":  # as for a large snapshot
        monkeypatch.setattr(latest_view, "CHILD_ROWS", 0)
    snapshot = fresh(office)
    q2 = snapshot.releases["q2"]
    before = Gate(snapshot, q2.instant - timedelta(hours=1))
    assert latest_view.ready(snapshot, before._view, before.now) is None  # asked for: this state and the next
    folder = latest_view.views_dir(snapshot.path)
    wait_for(lambda: len(list(folder.glob("*.arrow"))) == 2)
    # Before the instant: q1's figures only, though q2's are already worked out in the next file.
    view = wait_for(lambda: latest_view.ready(snapshot, before._view, before.now))
    assert [(r["period"], r["value"], r["release_id"]) for r in before.observations(["PART_A"]).to_pylist()] == \
        [("2024-Q1", 40.0, "q1")]
    assert view.rows(("GDP", "PART_A")).to_pylist() == reference(before, ["GDP", "PART_A"])
    # From the instant on, the next file answers at once: the revision, the confidential cell without
    # its value; q3 (never approved) stays out after its instant.
    for at in (q2.instant, snapshot.releases["q3"].instant + timedelta(days=1)):
        after = Gate(snapshot, at)
        assert latest_view.ready(snapshot, after._view, after.now) is not None
        seen = after.observations(THREE).to_pylist()
        assert seen == reference(after, THREE) == duckdb_path(after, THREE)
        assert {r["release_id"] for r in seen} == {"q2"}
        assert next(r for r in seen if r["series_code"] == "PART_A" and r["period"] == "2024-Q1")["value"] is None


def test_only_the_publics_current_latest_figures_come_from_the_file(office):
    """Every-vintage answers and as_of keep the DuckDB path; a pre-release reader too."""
    snapshot = fresh(office)
    gate = Gate(snapshot, snapshot.releases["q2"].instant + timedelta(days=1))
    latest_view.build_state(snapshot, gate._view)
    assert latest_view.ready(snapshot, gate._view, gate.now) is not None
    for options in ({"all_vintages": True}, {"as_of": snapshot.releases["q1"].instant + timedelta(days=1)}):
        assert gate.observations(THREE, **options).to_pylist() == reference(gate, THREE, **options)


def test_turned_off_nothing_is_written(office, monkeypatch):
    monkeypatch.setenv(latest_view.ENV, "0")
    snapshot = fresh(office)
    gate = Gate(snapshot, snapshot.releases["q2"].instant + timedelta(days=1))
    assert gate.observations(THREE).to_pylist() == reference(gate, THREE)
    assert latest_view.ready(snapshot, gate._view, gate.now) is None
    assert not latest_view.views_dir(snapshot.path).exists()


def test_the_file_names_its_state(office):
    snapshot = fresh(office)
    q2 = snapshot.releases["q2"]
    keys = {latest_view.state_key(snapshot, publication.public_view(snapshot, at))
            for at in (q2.instant - timedelta(seconds=1), q2.instant, q2.instant + timedelta(days=1))}
    assert len(keys) == 2  # one state before the instant, one from it on


def test_retention_removes_the_views_with_their_snapshot(tmp_path: Path):
    data = tmp_path / "warehouse"
    data.mkdir()
    for version in (1, 2, 3, 4):
        (data / f"statpub_v{version:06d}.duckdb").write_bytes(b"x")
        (data / f"statpub_v{version:06d}.duckdb.views").mkdir()
        (data / f"statpub_v{version:06d}.duckdb.views" / "k.arrow").write_bytes(b"y" * 10)
    (data / "statpub_v000009.duckdb.views").mkdir()  # left by a snapshot already gone
    out = retention.collect(data, data / "statpub_v000004.duckdb", keep=1)
    left = sorted(p.name for p in data.iterdir())
    assert left == ["statpub_v000003.duckdb", "statpub_v000003.duckdb.views",
                    "statpub_v000004.duckdb", "statpub_v000004.duckdb.views"]
    assert "statpub_v000009.duckdb.views" in out.orphans and out.freed_bytes >= 2 * 11


def test_a_closed_snapshot_lets_go_of_its_files(office):
    snapshot = open_snapshot(office.path)
    gate = Gate(snapshot, snapshot.releases["q2"].instant + timedelta(days=1))
    latest_view.build_state(snapshot, gate._view)
    assert latest_view.ready(snapshot, gate._view, gate.now) is not None
    snapshot.close()
    assert snapshot not in latest_view._STATE  # the mapped file is let go; nothing more is built for it


def test_an_unreadable_file_is_said_once_and_its_state_goes_through_duckdb(office, caplog):
    snapshot = fresh(office)
    gate = Gate(snapshot, snapshot.releases["q2"].instant + timedelta(days=1))
    path = latest_view.build_state(snapshot, gate._view)
    path.write_bytes(b"not an Arrow file")
    with caplog.at_level(logging.WARNING, logger="statpub.gate"):
        for _ in range(3):
            assert latest_view.ready(snapshot, gate._view, gate.now) is None
            assert gate.observations(THREE).to_pylist() == reference(gate, THREE)
    assert sum("cannot be read" in r.getMessage() for r in caplog.records) == 1


def test_files_of_states_gone_by_are_removed(office, monkeypatch):
    monkeypatch.setattr(latest_view, "FILES_KEPT", 2)  # the small office has three states
    snapshot = fresh(office)
    points = publication.change_points(list(snapshot.releases.values()))
    instants = [points[0] - timedelta(days=1), *points, points[-1] + timedelta(days=1)]
    built = []
    for at in instants:  # states in the order of their instants, as a server meets them
        path = latest_view.build_state(snapshot, publication.public_view(snapshot, at))
        if path not in built:
            built.append(path)
    left = sorted(latest_view.views_dir(snapshot.path).glob("*.arrow"))
    assert len(built) > latest_view.FILES_KEPT
    assert left == sorted(built[-latest_view.FILES_KEPT:])


def test_each_state_asks_for_the_next_one_on_the_demo(demo_settings):
    """Past an instant, the state found ready asks for the one after the following instant: the
    chain goes on without a request ever waiting for a build."""
    snapshot = fresh(WarehouseReader(demo_settings.warehouse_dir).snapshot())
    points = publication.change_points(list(snapshot.releases.values()))

    def key(at):
        return latest_view.state_key(snapshot, publication.public_view(snapshot, at))
    i = next(i for i in range(len(points) - 2)
             if len({key(points[i] - timedelta(seconds=1)), key(points[i]), key(points[i + 1])}) == 3)
    folder = latest_view.views_dir(snapshot.path)
    first = Gate(snapshot, points[i] - timedelta(seconds=1))
    latest_view.ready(snapshot, first._view, first.now)
    wait_for(lambda: latest_view.path_of(snapshot, key(points[i])).is_file())
    after = Gate(snapshot, points[i])
    assert wait_for(lambda: latest_view.ready(snapshot, after._view, after.now)) is not None
    wait_for(lambda: latest_view.path_of(snapshot, key(points[i + 1])).is_file())
    assert len(list(folder.glob("*.arrow"))) <= latest_view.FILES_KEPT
