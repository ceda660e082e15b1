"""The streamed `data` hash (statpub/etl/data_scan.py) is the aggregate's to the bit, across batch
boundaries; it counts repeated keys and gives up on rows out of order."""

from __future__ import annotations

import duckdb
import pytest

from statpub.etl import data_scan
from statpub.etl.content_hash import data_hashes, scan_release

ROWS = [  # sorted by series and period, as the load writes them; notes, flags, a withheld value
    ("A1", "2024-01", 1.5, "", None), ("A1", "2024-02", 0.1 + 0.2, "p", "注1"), ("A1", "2024-03", None, "c", None),
    ("B2", "2024", 1e20, "", "说明, with a comma"), ("C3", "2024-Q1", -0.0, "r", ""), ("C3", "2024-Q2", 7.0, "", None),
]


def _con(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE observations (series_code VARCHAR NOT NULL, period VARCHAR NOT NULL, value DOUBLE, "
                "status VARCHAR NOT NULL, note VARCHAR, n_units INTEGER, top2_share DOUBLE, release_id VARCHAR NOT NULL, "
                "source_file VARCHAR NOT NULL, source_row INTEGER)")
    con.executemany("INSERT INTO observations VALUES (?, ?, ?, ?, ?, NULL, NULL, 'r', 'f.csv', NULL)", rows)
    return con


@pytest.mark.parametrize("batch_rows", [1, 2, 4, 1 << 20])
def test_the_streamed_hash_is_the_aggregate_s(monkeypatch, batch_rows):
    monkeypatch.setattr(data_scan, "BATCH_ROWS", batch_rows)
    con = _con(ROWS)
    found = data_scan.scan_in_key_order(con, "r")
    assert found is not None
    digest, repeated, series = found
    assert digest == data_hashes(con, ["r"])["r"] and repeated == 0 and series == ["A1", "B2", "C3"]
    assert scan_release(con, "r").data_hash == digest


def test_repeated_keys_are_counted_and_disorder_gives_up(monkeypatch):
    monkeypatch.setattr(data_scan, "BATCH_ROWS", 2)
    con = _con([*ROWS[:2], ROWS[1], *ROWS[2:]])
    assert data_scan.scan_in_key_order(con, "r")[1] == 1
    assert scan_release(con, "r").repeated == 1
    shuffled = _con([ROWS[3], *ROWS[:3], *ROWS[4:]])
    assert data_scan.scan_in_key_order(shuffled, "r") is None
    fallback = scan_release(shuffled, "r")  # the aggregate then, same answer as for sorted rows
    assert fallback.data_hash == data_hashes(_con(ROWS), ["r"])["r"] and fallback.repeated == 0
