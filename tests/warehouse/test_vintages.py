"""A revision adds a vintage; the earlier one still answers byte-identically through `as_of`,
and a reader that keeps its connection follows the snapshot swap without restarting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from statpub.etl.load import load
from statpub.kernel.clock import Clock
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader
from tests.etl.builder import MiniRoot, approve_all

THREE = ["GDP", "PART_A", "PART_B"]
Q1 = "series_code,period,value,status\nGDP,2024-Q1,100,p\nPART_A,2024-Q1,40,p\nPART_B,2024-Q1,60,p\n"
REVISED = "series_code,period,value,status\nGDP,2024-Q1,101.5,r\nPART_A,2024-Q1,40.5,r\nPART_B,2024-Q1,61,r\n"


def as_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def test_revision_keeps_the_earlier_vintage_byte_identical(tmp_path: Path):
    root = MiniRoot(tmp_path).add("q1", "2024-04-19T10:00:00+08:00", THREE, [{"file": "d.csv", "layout": "long"}],
                                  {"d.csv": Q1})
    after_q1 = Clock(start=datetime(2024, 5, 1, tzinfo=UTC))
    load(root.settings, clock=after_q1)
    approve_all(root.settings, after_q1)
    reader = WarehouseReader(root.settings.warehouse_dir)
    first_snapshot = reader.snapshot()
    as_of = datetime(2024, 5, 1, tzinfo=UTC)
    before = as_bytes(Gate(first_snapshot, as_of).observations(THREE))

    root.add("q1-final", "2024-12-10T10:00:00+08:00", THREE, [{"file": "d.csv", "layout": "long"}], {"d.csv": REVISED},
             revision={"stage": "final-verification", "reason": {"zh": "最终核实", "en": "final verification"}})
    before_final = Clock(start=datetime(2024, 12, 1, tzinfo=UTC))
    load(root.settings, clock=before_final)
    approve_all(root.settings, before_final)

    snapshot = reader.snapshot()  # the same reader object follows the swap
    assert snapshot.path != first_snapshot.path
    now = datetime(2025, 1, 1, tzinfo=UTC)
    gate = Gate(snapshot, now)
    assert as_bytes(gate.observations(THREE, as_of=as_of)) == before
    latest = gate.observations(THREE).to_pylist()
    assert [r["value"] for r in latest] == [101.5, 40.5, 61.0]
    assert {r["release_id"] for r in latest} == {"q1-final"}
    vintages = gate.observations(["GDP"], all_vintages=True).to_pylist()
    assert [(r["release_id"], r["value"]) for r in vintages] == [("q1", 100.0), ("q1-final", 101.5)]
    assert snapshot.releases["q1-final"].revision_reason("en") == "final verification"
    # Before the revision's instant the public still sees the first vintage.
    embargoed = Gate(snapshot, snapshot.releases["q1-final"].instant - timedelta(seconds=1))
    assert as_bytes(embargoed.observations(THREE)) == before
