"""The optimistic single pass: a release whose files are clean is read (each file into a table of its
own, in parallel), then checked, normalised and sorted into the new snapshot by one DuckDB statement.

Most loads are of clean files, and the checking path (`validate.py`) pays for its precise messages
on every row: a staging copy of the text, joins of the lookups, a materialised table of checked rows,
then the sorted insert. Here the rules are written so that a row either passes in SQL exactly as the
checking path would take it (canonical period for the series' frequency, a plain decimal, flags
already in their canonical spelling, a promised series, …) or makes the statement fail with
`error()`. The duplicate keys, the promised series and the `data` part of the content hash come
from one aggregate over the rows written (`content_hash.scan_release`).

Anything unusual — a file that is not UTF-8 CSV of the long layout, a unit column, a period written
`2024年7月`, a number with a thousands separator, a repeated key, a failing consistency check —
makes this pass give up (the release's rows are removed again) and the load takes the checking
path over that release alone, which finds and locates every problem (file, sheet, row, column,
found, expected). Stricter here than there is fine; never looser.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from statpub.etl.content_hash import scan_release
from statpub.etl.long_layout import CsvScan, scan_long_csv
from statpub.etl.sources import read_provenance
from statpub.etl.staging import SourceContext, create_stage_table
from statpub.etl.units import unit_factor
from statpub.etl.validate import FAST_NUMBER, ReleaseCheck, drop_checked
from statpub.kernel.content import Catalogue, Release
from statpub.kernel.hashing import sha256_of

# Flags already as `normalise_status` writes them: letters in FLAGS order, each at most once.
_CANONICAL_STATUS = "p?r?e?b?c?"


@dataclass
class Written:
    contexts: list[SourceContext]
    rows: int


def write_release(con: duckdb.DuckDBPyConnection, root: Path, release: Release, catalogue: Catalogue,
                  first_index: int, tmp_dir: Path) -> Written | None:
    """Write a clean release's rows in one statement (sorted by series); None when anything
    needs the checking path (then nothing of the release is left written)."""
    found = _contexts(root, release, first_index)
    if found is None:
        return None
    contexts = [ctx for ctx, _path in found]
    scans: list[CsvScan] = []
    try:
        for ctx, path in found:
            scan, problems = scan_long_csv(ctx, path, tmp_dir)
            if scan is None or problems or scan.unit_column:
                return None
            scans.append(scan)
        if not _series_table(con, release, catalogue, contexts, scans):
            return None
        try:
            _insert(con, release, contexts, scans)
        except duckdb.Error:
            return None  # a row the fast rules do not take (or a file DuckDB cannot read): nothing was written
    finally:
        for scan in scans:
            scan.close()
        con.execute("DROP TABLE IF EXISTS onepass_series")
        con.execute("DROP TABLE IF EXISTS onepass_periods")
        for ctx in contexts:
            con.execute(f"DROP TABLE IF EXISTS onepass_rows_{ctx.index}")
    counts = dict(con.execute("SELECT source_file, count(*) FROM observations WHERE release_id = ? GROUP BY ALL",
                              [release.id]).fetchall())
    for ctx in contexts:
        ctx.rows = counts.get(ctx.file, 0)
    if not all(ctx.rows for ctx in contexts) or _consistency_problems(con, release, catalogue, contexts):
        discard(con, release.id)
        return None
    return Written(contexts, sum(counts.values()))


def complete(con: duckdb.DuckDBPyConnection, release: Release) -> str | None:
    """After disclosure control: the release's `data` hash, or None when a key repeats or a promised
    series is missing (the caller then discards the rows and takes the checking path)."""
    scan = scan_release(con, release.id)
    if scan.repeated or set(release.series) - scan.series:
        return None
    return scan.data_hash


def discard(con: duckdb.DuckDBPyConnection, release_id: str) -> None:
    """Remove what the single pass wrote of a release (before the checking path takes it)."""
    done(con)
    con.execute("DELETE FROM observations WHERE release_id = ?", [release_id])
    con.execute("DELETE FROM suppressed_cells WHERE release_id = ?", [release_id])


def done(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the single pass's view of the release (or the checking path's `checked` table of an
    earlier release, when this one gave up before making its view)."""
    drop_checked(con)
    con.execute("DROP TABLE IF EXISTS onepass_release")


def _contexts(root: Path, release: Release, first_index: int) -> list[tuple[SourceContext, Path]] | None:
    """The release's sources, when every one is a long-layout CSV that exists and whose provenance
    sidecar (if any) agrees with it."""
    contexts = []
    for offset, source in enumerate(release.sources):
        path = root / "releases" / release.id / source.file
        if source.layout != "long" or path.suffix.lower() != ".csv" or not path.is_file():
            return None
        ctx = SourceContext(index=first_index + offset, release_id=release.id,
                            file=f"releases/{release.id}/{source.file}", sheet=source.sheet, layout=source.layout,
                            encoding=source.encoding)
        ctx.sha256, ctx.bytes = sha256_of(path), path.stat().st_size
        provenance = read_provenance(path, ctx.sha256, ctx.file)
        if provenance.problems:
            return None
        ctx.provenance = provenance.data
        contexts.append((ctx, path))
    return contexts


def _series_table(con: duckdb.DuckDBPyConnection, release: Release, catalogue: Catalogue,
                  contexts: list[SourceContext], scans: list[CsvScan]) -> bool:
    """`onepass_series`: per file, each promised series with its frequency and the factor of the
    unit its value header declares. False when a declared unit does not convert."""
    rows: list[tuple[int, str, str, float]] = []
    for ctx, scan in zip(contexts, scans, strict=True):
        for code in release.series:
            series = catalogue.by_code.get(code)
            if series is None:
                continue  # the checking path says the calendar promises an unknown series
            factor = 1.0
            if scan.unit is not None:
                try:
                    factor = unit_factor(scan.unit, series.unit.zh, series.unit.en)
                except ValueError:
                    return False
            rows.append((ctx.index, code, series.frequency, factor))
    table = pa.table({"src": pa.array([r[0] for r in rows], pa.int32()), "code": pa.array([r[1] for r in rows], pa.string()),
                      "frequency": pa.array([r[2] for r in rows], pa.string()),
                      "factor": pa.array([r[3] for r in rows], pa.float64())})
    create_stage_table(con, "onepass_series", table)
    # Each code's rank in the text order of the codes: the single pass sorts on it.
    con.execute("CREATE OR REPLACE TEMP TABLE onepass_series AS "
                "SELECT *, dense_rank() OVER (ORDER BY code)::INTEGER AS rank FROM onepass_series")
    return True


# A row the fast rules do not take; every test is on the raw text read_csv gives. The series and
# the period are matched exactly (no trimming: a code with spaces takes the checking path) against
# the promised series and every canonical period code, which costs a hash join rather than a
# regular expression or a string function per row.
_REFUSED = f"""
    f.frequency IS NULL OR p.freq IS DISTINCT FROM f.frequency
    OR (r.status IS NOT NULL AND NOT regexp_full_match(r.status, '{_CANONICAL_STATUS}'))
    OR (r.value IS NULL AND NOT contains(coalesce(r.status, ''), 'c'))
    OR (r.value IS NOT NULL AND NOT regexp_full_match(r.value, '{FAST_NUMBER}'))
    OR (r.n_units IS NOT NULL AND trim(r.n_units) <> '' AND coalesce(TRY_CAST(trim(r.n_units) AS INTEGER) < 0, true))
    OR (r.top2_share IS NOT NULL AND trim(r.top2_share) <> ''
        AND coalesce(NOT TRY_CAST(replace(trim(r.top2_share), '%', '') AS DOUBLE) BETWEEN 0 AND 100, true))
"""
# Every period code the checking path can produce (years 1900–2200), with its frequency and its rank
# in the text order of the codes (within one frequency also the order of time).
_PERIODS = """
    CREATE OR REPLACE TEMP TABLE onepass_periods AS
    SELECT code, freq, row_number() OVER (ORDER BY code)::INTEGER AS rank FROM (
        SELECT y::VARCHAR AS code, 'A' AS freq FROM range(1900, 2201) t(y)
        UNION ALL SELECT y::VARCHAR || '-Q' || q::VARCHAR, 'Q' FROM range(1900, 2201) t(y), range(1, 5) u(q)
        UNION ALL SELECT y::VARCHAR || '-' || lpad(m::VARCHAR, 2, '0'), 'M' FROM range(1900, 2201) t(y), range(1, 13) u(m))
"""


def _insert(con: duckdb.DuckDBPyConnection, release: Release, contexts: list[SourceContext],
            scans: list[CsvScan]) -> None:
    """Read every file into a table of its own (DuckDB's parallel reader keeps the file's order, so
    a row's id is its line), then one statement checks and normalises each row, sorts by series and
    period and appends to `observations`.

    Why not number the rows while reading (`row_number() OVER ()`): that window runs the whole
    statement after it — joins, rules, the sort's input — on one thread (10 M rows: 7.9 s against
    4.9 s this way). The sort is on the ranks of the series and period codes (integers, in the codes'
    own order, so the rows land exactly as `ORDER BY series_code, period` puts them), and it carries
    none of the columns that are the same on every row of a file (10 M rows: 1.64 → 1.35 GB peak)."""
    parts = []
    for ctx, scan in zip(contexts, scans, strict=True):
        table = f"onepass_rows_{ctx.index}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {scan.select} FROM {scan.from_clause()}",  # noqa: S608 - our own fragments; values are bound
                    scan.params)
        # rowid 0 is the file's second line (the header is line 1), as staging counts.
        parts.append(f"SELECT {ctx.index} AS src, (rowid + 2)::INTEGER AS row, * FROM {table}")  # noqa: S608 - fixed fragments
    con.execute(_PERIODS)
    # The file's name is looked up after the sort by position in a list (a projection keeps the
    # order; a join might not).
    con.execute(
        f"INSERT INTO observations WITH r AS ({' UNION ALL '.join(parts)}) "  # noqa: S608 - fixed fragments; values are bound
        "SELECT s.series_code, s.period, s.value, s.status, s.note, s.n_units, s.top2_share, ?, "
        "  (?::VARCHAR[])[s.src - ? + 1], s.row "
        "FROM (SELECT r.src, r.row, r.series_code, r.period, "
        f"      CASE WHEN {_REFUSED} THEN error('row refused by the single pass') "
        "           ELSE CAST(r.value AS DOUBLE) * f.factor END AS value, "
        "      coalesce(r.status, '') AS status, nullif(trim(r.note), '') AS note, "
        "      TRY_CAST(trim(r.n_units) AS INTEGER) AS n_units, "
        "      TRY_CAST(replace(trim(r.top2_share), '%', '') AS DOUBLE) AS top2_share "
        "    FROM r LEFT JOIN onepass_series f ON f.src = r.src AND f.code = r.series_code "
        "    LEFT JOIN onepass_periods p ON p.code = r.period "
        "    ORDER BY f.rank, p.rank) s",
        [release.id, [ctx.file for ctx in contexts], contexts[0].index])


def _consistency_problems(con: duckdb.DuckDBPyConnection, release: Release, catalogue: Catalogue,
                          contexts: list[SourceContext]) -> bool:
    """The release-wide rules (cumulative totals that fall, components that do not add up), run by
    the checking path's own code over the rows written, seen through a `checked` view."""
    con.execute("CREATE OR REPLACE TEMP TABLE onepass_release AS SELECT ?::VARCHAR AS id, ?::VARCHAR[] AS files, "
                "?::INTEGER AS first", [release.id, [c.file for c in contexts], contexts[0].index])
    drop_checked(con)
    con.execute(
        "CREATE OR REPLACE TEMP VIEW checked AS SELECT "
        "  (list_position(x.files, o.source_file) - 1 + x.first)::INTEGER AS src, o.source_row AS row, NULL::VARCHAR AS col, "
        "  o.series_code, o.period, o.value AS value_num, 1.0::DOUBLE AS factor, true AS known "
        "FROM observations o, onepass_release x WHERE o.release_id = x.id")
    check = ReleaseCheck(con, release, catalogue, contexts)
    check.consistency()
    return bool(check.problems)
