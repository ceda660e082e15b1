"""The optimistic single pass (statpub/etl/onepass.py): a clean long-layout CSV is read, checked,
normalised and sorted into the snapshot by one statement; anything unusual goes to the checking
path, which still names file, row, column, what was found and what was expected. Both paths write
the same rows and the same `data` hash (content hash version 2 unchanged), so approvals recorded
before the single pass existed stay valid."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from statpub.etl import onepass
from statpub.etl.load import load
from statpub.kernel.clock import Clock, parse_instant
from statpub.kernel.config import Settings
from statpub.kernel.errors import ValidationFailed
from statpub.warehouse.reader import WarehouseReader
from tests.etl.builder import MiniRoot, approve_all

SERIES = ["GDP", "PART_A", "PART_B"]
INSTANT = "2024-04-19T10:00:00+08:00"
BEFORE = parse_instant("2024-04-01T10:00:00+08:00")
SOURCES = [{"file": "d.csv", "layout": "long"}]

# Written out of order (the snapshot is sorted by series and period), flags, notes, disclosure data,
# a withheld cell and a unit declared in the value header (万元 → the catalogue's 亿元).
CLEAN = ("series_code,period,数值（万元）,status,note,n_units,top2_share\n"
         "PART_B,2024-Q2,700000,p,,12,40%\n"
         "GDP,2024-Q1,1000000,,初步核算,,\n"
         "PART_A,2024-Q1,400000.5,pr,,,\n"
         "PART_B,2024-Q1,599999.5,,,,\n"
         "GDP,2024-Q2,2100000,p,,,\n"
         "PART_A,2024-Q2,,c,保密,,\n")
# The same figures written as offices also write them: the checking path takes these.
UNUSUAL = CLEAN.replace("PART_A,2024-Q1,400000.5,pr", "PART_A,2024Q1,\"400,000.5\",rp").replace(
    "GDP,2024-Q1,", " GDP ,2024年1季度,")


def _rows(settings) -> tuple[list[tuple], str]:
    path = WarehouseReader(settings.warehouse_dir).snapshot().path
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("SELECT * FROM observations ORDER BY series_code, period").fetchall()
        data_hash = con.execute("SELECT data_hash FROM release_content WHERE release_id = '2024-q1'").fetchone()[0]
        order = con.execute("SELECT series_code, period FROM observations").fetchall()
    finally:
        con.close()
    assert order == sorted(order)  # physically sorted: one series is a point lookup
    return rows, data_hash


@pytest.fixture
def attempts(monkeypatch):
    """What the single pass answered for each release it was tried on."""
    seen: list[object] = []
    real = onepass.write_release

    def spy(*args, **kwargs):
        written = real(*args, **kwargs)
        seen.append(written)
        return written

    monkeypatch.setattr(onepass, "write_release", spy)
    return seen


def _checking_path_only(monkeypatch) -> None:
    monkeypatch.setattr(onepass, "write_release", lambda *args, **kwargs: None)


def _mini(tmp_path, text: str, name: str = "root") -> MiniRoot:
    return MiniRoot(tmp_path / name).add("2024-q1", INSTANT, SERIES, SOURCES, {"d.csv": text})


def test_a_clean_csv_is_written_by_the_single_pass_as_the_checking_path_writes_it(tmp_path, monkeypatch, attempts):
    fast = _mini(tmp_path, CLEAN, "fast")
    load(fast.settings, clock=Clock(start=BEFORE))
    assert len(attempts) == 1 and attempts[0] is not None and attempts[0].rows == 6
    fast_rows, fast_hash = _rows(fast.settings)
    assert ("PART_A", "2024-Q1", 40.00005, "pr", None, None, None, "2024-q1", "releases/2024-q1/d.csv", 4) in fast_rows
    assert ("PART_B", "2024-Q2", 70.0, "p", None, 12, 40.0, "2024-q1", "releases/2024-q1/d.csv", 2) in fast_rows
    for text, name in ((CLEAN, "checked"), (UNUSUAL, "unusual")):
        _checking_path_only(monkeypatch)
        other = _mini(tmp_path, text, name)
        load(other.settings, clock=Clock(start=BEFORE))
        rows, data_hash = _rows(other.settings)
        assert (rows, data_hash) == (fast_rows, fast_hash), name


def test_unusual_spellings_take_the_checking_path_with_the_same_result(tmp_path, attempts):
    mini = _mini(tmp_path, UNUSUAL)
    load(mini.settings, clock=Clock(start=BEFORE))
    assert attempts == [None]
    rows, _hash = _rows(mini.settings)
    assert ("PART_A", "2024-Q1", 40.00005, "pr", None, None, None, "2024-q1", "releases/2024-q1/d.csv", 4) in rows


@pytest.mark.parametrize(("text", "where", "says"), [
    # Every row passes the single pass's row rules; only the aggregate over the written rows sees it.
    (CLEAN + "GDP,2024-Q1,1000000,,,,\n", (None, "C (数值（万元）)"), "appears more than once (rows 3, 8)"),
    (CLEAN.replace("GDP,2024-Q2,2100000", "GDP,2024-Q2,900000"), (6, "C (数值（万元）)"), "cumulative GDP falls"),
    (CLEAN.replace("2024-Q1,1000000,,", "2024-13,1000000,,"), (3, "B (period)"), "2024-13"),
    (CLEAN.replace("PART_B,2024-Q2,700000,p", "PART_B,2024-Q2,700000,x"), (2, "D (status)"), "unknown flag"),
    (CLEAN.replace(",12,40%", ",12,140%"), (2, "G (top2_share)"), "top2_share '140%'"),
])
def test_what_the_single_pass_refuses_is_located_by_the_checking_path(tmp_path, attempts, text, where, says):
    mini = _mini(tmp_path, CLEAN, "root")
    load(mini.settings, clock=Clock(start=BEFORE))
    before = WarehouseReader(mini.settings.warehouse_dir).snapshot().path
    mini.add("2024-q1", INSTANT, SERIES, SOURCES, {"d.csv": text})
    with pytest.raises(ValidationFailed) as failed:
        load(mini.settings, clock=Clock(start=BEFORE))
    assert attempts  # tried first; refused by its row rules, or by the aggregate over the rows written
    found = [p for p in failed.value.problems if says in p.message]
    assert found, failed.value.problems
    problem = found[0]
    assert problem.file == "releases/2024-q1/d.csv"
    row, column = where
    if row is not None:
        assert problem.row == row
    if says.startswith("appears"):
        assert problem.column is None or problem.column.startswith("B")  # the key's column (period)
    else:
        assert problem.column == column
    assert WarehouseReader(mini.settings.warehouse_dir).snapshot().path == before  # nothing changed
    rows, _hash = _rows(mini.settings)
    assert len(rows) == 6


def test_an_approval_recorded_before_the_single_pass_stays_valid_and_a_data_change_voids_it(tmp_path, monkeypatch):
    mini = _mini(tmp_path, CLEAN)
    with monkeypatch.context() as patch:  # the load as it was before the single pass
        _checking_path_only(patch)
        load(mini.settings, clock=Clock(start=BEFORE))
        approve_all(mini.settings, Clock(start=BEFORE))  # recorded under the current version (2)
    assert WarehouseReader(mini.settings.warehouse_dir).snapshot().releases["2024-q1"].review.approved
    shutil.rmtree(mini.settings.warehouse_dir)
    load(mini.settings, clock=Clock(start=BEFORE))  # a fresh warehouse, written by the single pass
    assert WarehouseReader(mini.settings.warehouse_dir).snapshot().releases["2024-q1"].review.approved
    mini.add("2024-q1", INSTANT, SERIES, SOURCES, {"d.csv": CLEAN.replace("599999.5", "599999.4")})
    load(mini.settings, clock=Clock(start=BEFORE))
    review = WarehouseReader(mini.settings.warehouse_dir).snapshot().releases["2024-q1"].review
    assert review.approval == "void" and review.changed == ("data",)


def test_one_load_mixes_both_paths_release_after_release(tmp_path, attempts):
    """A release taken by the checking path leaves its `checked` table, one taken by the single
    pass its `checked` view: the next release of the same load, whichever path it takes, replaces
    it (DuckDB refuses to replace a table by a view or a view by a table)."""
    root = MiniRoot(tmp_path / "mixed")
    for number, text in enumerate([CLEAN, UNUSUAL, CLEAN, UNUSUAL], start=1):
        period_of = {"2024-Q1": f"{2023 + number}-Q1", "2024-Q2": f"{2023 + number}-Q2",
                     "2024Q1": f"{2023 + number}Q1", "2024年1季度": f"{2023 + number}年1季度"}
        for old, new in period_of.items():
            text = text.replace(f",{old},", f",{new},")
        root.add(f"r{number}", INSTANT.replace("2024", str(2023 + number + 1)), SERIES, SOURCES, {"d.csv": text})
    load(root.settings, clock=Clock(start=BEFORE))
    assert [written is not None for written in attempts] == [True, False, True, False]
    con = duckdb.connect(str(WarehouseReader(root.settings.warehouse_dir).snapshot().path), read_only=True)
    try:
        counts = dict(con.execute("SELECT release_id, count(*) FROM observations GROUP BY 1").fetchall())
    finally:
        con.close()
    assert counts == {"r1": 6, "r2": 6, "r3": 6, "r4": 6}


def test_a_file_read_by_several_threads_keeps_each_rows_line_and_lands_sorted(tmp_path, attempts):
    """1 M rows (23 MB) written month-major: DuckDB's reader splits the file between its threads,
    and each row must still carry its own line (series i of month m is line 2 + m·S + i), while
    the snapshot holds them sorted by series and period."""
    from bench.synthetic import write_content

    series, months = 1_000, 1_000
    root = tmp_path / "big"
    write_content(root, series, months)
    settings = Settings(root=root, warehouse_dir=root / "warehouse" / "data")
    load(settings, clock=Clock(start=BEFORE))
    assert len(attempts) == 1 and attempts[0] is not None and attempts[0].rows == series * months
    con = duckdb.connect(str(WarehouseReader(settings.warehouse_dir).snapshot().path), read_only=True)
    try:
        misplaced = con.execute(
            "SELECT count(*) FROM observations WHERE source_row <> 2 + "
            "  ((left(period, 4)::INTEGER - 1901) * 12 + right(period, 2)::INTEGER - 1) * ? + "
            "  substr(series_code, 2)::INTEGER", [series]).fetchone()[0]
        disorder = con.execute(
            "SELECT count(*) FROM (SELECT series_code || period AS key, lag(series_code || period) OVER (ORDER BY rowid) "
            "AS before FROM observations) WHERE before >= key").fetchone()[0]
        files = con.execute("SELECT DISTINCT source_file FROM observations").fetchall()
    finally:
        con.close()
    assert (misplaced, disorder, files) == (0, 0, [("releases/synthetic/data.csv",)])
