"""Series lookups (warehouse/lookup.py): the bare point query plus the public view taken in Arrow
answer exactly what one SQL statement over the whole warehouse answers, for every reader, instant,
`as_of`, period range and vintage choice — on the demo and on a second, small office."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from statpub.etl.load import load
from statpub.kernel.clock import Clock
from statpub.warehouse import lookup, publication
from statpub.warehouse.gate import Gate, Reader
from statpub.warehouse.gate_queries import observations_sql, vintage_params
from statpub.warehouse.reader import Snapshot, WarehouseReader, open_snapshot
from tests.etl.builder import MiniRoot, approve_all


def reference(gate: Gate, codes, *, start=None, end=None, as_of=None, all_vintages=False, within=None) -> list[dict]:
    """The gate's rules as one SQL statement over the whole warehouse (the SQL its bulk answers
    run: every release joined with its vintage and rank in the order of publication)."""
    releases = gate.visible_releases() if as_of is None else gate.published_releases(as_of)
    if within is not None:
        releases = tuple(r for r in within if r in gate.visible_releases())
    sql = observations_sql(f"o.series_code IN ({', '.join('?' for _ in codes)}) "
                            "AND (?::VARCHAR IS NULL OR o.period >= ?) AND (?::VARCHAR IS NULL OR o.period <= ?)",
                            latest=not all_vintages)
    cur = gate.snapshot.cursor()
    try:
        return cur.sql(sql, params=[*vintage_params(releases), *codes, start, start, end, end]).to_arrow_table().to_pylist()
    finally:
        cur.close()


@pytest.fixture(scope="module")
def demo_snapshot(demo_settings):
    return WarehouseReader(demo_settings.warehouse_dir).snapshot()


def test_lookups_answer_what_one_sql_statement_answers(demo_snapshot):
    rng = random.Random(20261201)
    releases = sorted(demo_snapshot.releases.values(), key=lambda r: r.instant)
    codes = list(demo_snapshot.series)
    for _ in range(150):
        release = rng.choice(releases)
        now = release.instant + timedelta(seconds=rng.choice([-1, 0, 1, 86400]))
        gate = Gate(demo_snapshot, now, rng.choice([Reader(), Reader("press1", "press"), Reader("rev", "reviewer")]))
        asked = rng.sample(codes, rng.randint(1, 4))
        options = rng.choice([{}, {"all_vintages": True}, {"start": "2024-Q1"}, {"end": "2024-Q4"},
                              {"start": "2023", "end": "2025-12"}, {"as_of": now - timedelta(days=rng.randint(0, 900))},
                              {"within": gate.shown_by(rng.choice(releases))}])
        assert gate.observations(asked, **options).to_pylist() == reference(gate, asked, **options), (asked, options, now)


def test_many_codes_take_several_statements_of_one_shape(demo_snapshot):
    gate = Gate(demo_snapshot, datetime(2027, 6, 1, tzinfo=UTC))
    codes = list(demo_snapshot.series) * 3  # repeated codes count once
    assert gate.observations(codes).to_pylist() == reference(gate, list(dict.fromkeys(codes)))
    assert lookup.point_statement(1) is lookup.point_statement(1)


def test_a_second_office_with_revisions_confidential_cells_and_a_delay(tmp_path: Path):
    three = ["GDP", "PART_A", "PART_B"]
    root = MiniRoot(tmp_path).add(
        "q1", "2024-04-19T10:00:00+08:00", three, [{"file": "d.csv", "layout": "long"}],
        {"d.csv": "series_code,period,value,status\nGDP,2024-Q1,100,p\nPART_A,2024-Q1,40,p\nPART_B,2024-Q1,60,p\n"})
    clock = Clock(start=datetime(2024, 5, 1, tzinfo=UTC))
    load(root.settings, clock=clock)
    approve_all(root.settings, clock)
    root.add("q2", "2024-07-19T10:00:00+08:00", three, [{"file": "d.csv", "layout": "long"}],
             {"d.csv": "series_code,period,value,status\nGDP,2024-Q1,101,r\nPART_A,2024-Q1,41,rc\nPART_B,2024-Q1,60,r\n"
                       "GDP,2024-Q2,210,p\nPART_A,2024-Q2,90,p\nPART_B,2024-Q2,120,p\n"},
             revision={"stage": "preliminary-verification", "reason": {"zh": "核实", "en": "verification"}})
    load(root.settings, clock=clock)  # q2 loaded but never approved: delayed after its instant
    snapshot = WarehouseReader(root.settings.warehouse_dir).snapshot()
    q2 = snapshot.releases["q2"]
    after = q2.instant + timedelta(days=1)
    public, reviewer = Gate(snapshot, after), Gate(snapshot, q2.instant - timedelta(hours=1), Reader("r", "reviewer"))
    assert [(r["period"], r["release_id"]) for r in public.observations(["GDP"]).to_pylist()] == [("2024-Q1", "q1")]
    seen = reviewer.observations(three).to_pylist()
    assert {r["release_id"] for r in seen} == {"q2"} and len(seen) == 6
    assert next(r for r in seen if r["series_code"] == "PART_A" and r["period"] == "2024-Q1")["value"] is None
    every = reviewer.observations(["PART_A"], all_vintages=True).to_pylist()
    assert [(r["release_id"], r["value"]) for r in every] == [("q1", 40.0), ("q2", None), ("q2", 90.0)]
    for gate in (public, reviewer):
        for options in ({}, {"all_vintages": True}, {"start": "2024-Q2"}):
            assert gate.observations(three, **options).to_pylist() == reference(gate, three, **options)


def test_coming_public_states_are_prepared_before_their_instant(demo_snapshot):
    """The view (and release index) of the state after the next instant exists before it."""
    release = max(demo_snapshot.releases.values(), key=lambda r: r.instant)
    prepared = []
    snapshot = Snapshot(demo_snapshot.path, demo_snapshot.con)  # a fresh Snapshot: nothing computed yet
    publication.public_view(snapshot, release.instant - timedelta(days=30), prepare=prepared.append)
    before = len(prepared)
    later = publication.public_view(snapshot, release.instant + timedelta(seconds=1), prepare=prepared.append)
    assert len(prepared) == before and later in prepared


def test_cursors_kept_per_thread_close_with_the_snapshot(demo_settings):
    snapshot = open_snapshot(WarehouseReader(demo_settings.warehouse_dir).store.current())
    cursor = lookup.thread_cursor(snapshot)
    assert lookup.thread_cursor(snapshot) is cursor
    snapshot.close()
    with pytest.raises(Exception):  # noqa: B017 - any error: the cursor is closed
        cursor.execute("SELECT 1")


def told_next_instant(gate: Gate):
    """The next instant as the calendar tells it (main's rule, one pass over the calendar)."""
    return min((t for r in gate.calendar() if r.publishable_state
                for t in (r.instant, publication.public_since(r)) if t is not None and t > gate.now), default=None)


def test_next_instant_is_the_next_announced_one_for_every_reader(tmp_path: Path, demo_snapshot):
    """The view's upcoming instants, filtered by announcement at each request, answer what a pass
    over the calendar answers: an instant nobody announced yet is not told (a second office whose
    entry is announced days before its instant, and the demo)."""
    rows = "series_code,period,value\nGDP,{p},100\n"
    root = MiniRoot(tmp_path)
    root.add("q1", "2024-04-19T10:00:00+08:00", ["GDP"], [{"file": "d.csv", "layout": "long"}],
             {"d.csv": rows.format(p="2024-Q1")})
    root.add("q4", "2024-12-20T10:00:00+08:00", ["GDP"], [{"file": "d.csv", "layout": "long"}],
             {"d.csv": rows.format(p="2024-Q4")},
             history=[{"date": "2024-12-15", "change": "announced", "reason": {"zh": "列入计划", "en": "planned"}}])
    clock = Clock(start=datetime(2024, 12, 10, 1, tzinfo=UTC))
    load(root.settings, clock=clock)
    approve_all(root.settings, clock)
    mini = WarehouseReader(root.settings.warehouse_dir).snapshot()
    readers = [Reader(), Reader("press1", "press"), Reader("rev", "reviewer"), Reader("desk", "responder")]
    start = datetime(2024, 12, 10, tzinfo=UTC)
    for hours in range(0, 24 * 12, 5):
        for reader in readers:
            gate = Gate(mini, start + timedelta(hours=hours), reader)
            assert gate.next_instant() == told_next_instant(gate), (gate.now, reader)
    assert Gate(mini, start).next_instant() is None  # q4 is not announced yet on 2024-12-10
    rng = random.Random(19)
    releases = list(demo_snapshot.releases.values())
    for _ in range(60):
        now = rng.choice(releases).instant + timedelta(hours=rng.choice([-30 * 24, -1, 0, 1]))
        gate = Gate(demo_snapshot, now, rng.choice(readers))
        assert gate.next_instant() == told_next_instant(gate), now
