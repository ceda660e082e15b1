"""The `data` part of a release's content hash taken while reading its rows once, in the order the
load wrote them (sorted by series and period), instead of DuckDB's ordered aggregate, which sorts
every series' rows again and holds them all.

The definition (version 2's `data` part, unchanged; `content_hash` computes it too): per series,
sha256 of its lines `series TAB period TAB value TAB status TAB note` joined by newlines in period
order; then sha256 of `series:hash` lines in series order. DuckDB writes each line (so values print
exactly as there); Python feeds the bytes of each series' run of lines straight from the Arrow
buffer into hashlib. The rows are checked to come in strictly increasing (series, period) order as
they stream by, so the hash is right whatever the engine did; equal neighbours are repeated keys
(the duplicate check), and any other disorder gives up (None: the caller takes the aggregate).
"""

from __future__ import annotations

import hashlib

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# One row's line: what the `data` part hashes of each row, as DuckDB prints it.
LINE = "concat_ws(chr(9), series_code, period, coalesce(CAST(value AS VARCHAR), ''), status, coalesce(note, ''))"
BATCH_ROWS = 1 << 20


class _SeriesHasher:
    def __init__(self) -> None:
        self.code: str | None = None
        self.period: str | None = None
        self.hasher = hashlib.sha256()
        self.lines: list[str] = []  # `series:hash` of each finished series, in series order
        self.repeated = 0

    def finish_series(self) -> None:
        if self.code is not None:
            self.lines.append(f"{self.code}:{self.hasher.hexdigest()}")
        self.hasher = hashlib.sha256()

    def digest(self) -> str:
        self.finish_series()
        return hashlib.sha256("\n".join(self.lines).encode()).hexdigest()


def scan_in_key_order(con: duckdb.DuckDBPyConnection, release_id: str) -> tuple[str, int, list[str]] | None:
    """(data hash, repeated keys, series present) of a release, or None when its rows do not come
    back sorted by (series, period)."""
    # Each line is preceded by a newline; the first line of a series is hashed without it.
    reader = con.sql(f"SELECT series_code, period, chr(10) || {LINE} FROM observations "  # noqa: S608 - fixed fragment
                     "WHERE release_id = $1", params=[release_id]).to_arrow_reader(BATCH_ROWS)
    state = _SeriesHasher()
    series: list[str] = []
    for batch in reader:
        if batch.num_rows and not _feed(batch, state, series):
            return None
    return state.digest(), state.repeated, series


def _feed(batch: pa.RecordBatch, state: _SeriesHasher, series: list[str]) -> bool:
    codes, periods, lines = (batch.column(i) for i in range(3))
    first_code, first_period = codes[0].as_py(), periods[0].as_py()
    if state.code is not None and (first_code, first_period) <= (state.code, state.period):
        if (first_code, first_period) != (state.code, state.period):
            return False
        state.repeated += 1
    # Within the batch: each row against the one before it.
    same = pc.equal(codes[1:], codes[:-1])
    later = pc.or_(pc.greater(codes[1:], codes[:-1]), pc.and_(same, pc.greater(periods[1:], periods[:-1])))
    if len(batch) > 1 and not pc.all(later).as_py():
        repeats = pc.and_(same, pc.equal(periods[1:], periods[:-1]))
        if pc.sum(pc.or_(later, repeats).cast(pa.int64())).as_py() != len(batch) - 1:
            return False  # out of order: not the order the load wrote
        state.repeated += pc.sum(repeats.cast(pa.int64())).as_py()
    starts = [0, *(pc.indices_nonzero(pc.invert(same)).to_numpy() + 1).tolist()]
    offsets, data = _string_buffers(lines)
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(batch)
        code = first_code if i == 0 else codes[start].as_py()
        begin = int(offsets[start])
        if code != state.code:  # a new series (not the continuation of the last batch's)
            state.finish_series()
            state.code = code
            series.append(code)
            begin += 1  # its first line has no newline before it
        state.hasher.update(data[begin:int(offsets[end])])
    state.period = periods[len(batch) - 1].as_py()
    return True


def _string_buffers(array: pa.Array) -> tuple[np.ndarray, memoryview]:
    """Offsets (relative to the array's slice) and the data bytes of a string array."""
    if array.type not in (pa.string(), pa.large_string()):
        array = array.cast(pa.large_string())
    _validity, offsets, data = array.buffers()
    dtype = np.int32 if array.type == pa.string() else np.int64
    positions = np.frombuffer(offsets, dtype=dtype)[array.offset:array.offset + len(array) + 1]
    return positions, memoryview(data)
