"""SDMX-CSV of the whole history vs the Parquet export, same run, on the 10-million-observation
warehouse (bench/site_data.py: 4,000 monthly series, 35 years, up to six vintages per period).

    python -m bench.sdmx_bench [--rounds 3]

Each round writes, through the gate at an instant after every release but the embargoed one:
- Parquet: `Gate.copy_history` (what /api/v1/files/<vintage>/history.parquet runs; DuckDB's writer);
- SDMX-CSV 2.0: the HISTORY dataflow (what history.sdmx.csv runs; pyarrow's CSV writer, batches
  mapped to SDMX columns — codes, OBS_STATUS, CONF_STATUS, units — with Arrow compute);
- plain CSV (`values`-style compact columns, `write_csv_stream`) as a second baseline;
interleaved, best of the rounds. Prints seconds, MB and rows per second, and the ratios."""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.site_data import DEFAULT_DIR, build
from statpub.dashboards.formats import write_csv_stream
from statpub.dashboards.sdmx import data as sdmx_data
from statpub.dashboards.sdmx import model as M
from statpub.warehouse.gate import Gate
from statpub.warehouse.reader import WarehouseReader

AFTER = datetime(2030, 1, 1, tzinfo=UTC)  # every release out except the one in 2099


def run_once(gate: Gate, out: Path) -> dict[str, tuple[float, float, int]]:
    """{name: (seconds, MB, rows)} for one round of the three exports."""
    results = {}
    lookup = sdmx_data.SeriesLookup.of(gate.snapshot.series.values())
    message = sdmx_data.Message(M.Agency("BENCH", "基准", "Bench"), "lin", AFTER, "bench",
                                dataflow=M.HISTORY_DATAFLOW_ID)
    jobs = {
        "parquet": lambda path: gate.copy_history(path, metadata={"title": "bench"}),
        "sdmx-csv": lambda path: sdmx_data.write_sdmx_csv(gate.history(), path, lookup, message),
        "csv": lambda path: write_csv_stream(gate.history(), path),
    }
    for name, job in jobs.items():
        path = out / f"history.{name}"
        started = time.perf_counter()
        rows = job(path)
        seconds = time.perf_counter() - started
        results[name] = (seconds, path.stat().st_size / 1e6, rows)
        path.unlink()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    started = time.perf_counter()
    build(args.dir)
    print(f"warehouse ready in {time.perf_counter() - started:.1f} s ({args.dir})")
    gate = Gate(WarehouseReader(args.dir).snapshot(), AFTER)
    best: dict[str, tuple[float, float, int]] = {}
    with tempfile.TemporaryDirectory(prefix="statpub-sdmx-bench-") as tmp:
        for round_ in range(args.rounds):
            for name, result in run_once(gate, Path(tmp)).items():
                print(f"round {round_ + 1}: {name:9s} {result[0]:6.2f} s  {result[1]:7.1f} MB  {result[2]:,} rows")
                if name not in best or result[0] < best[name][0]:
                    best[name] = result
    load = os.getloadavg()
    print(f"\n== whole history, best of {args.rounds} ({platform.machine()}, {os.cpu_count()} cores, "
          f"load average {load[0]:.1f}) ==")
    for name, (seconds, mb, rows) in best.items():
        print(f"{name:9s} {seconds:6.2f} s  {mb:7.1f} MB  {rows / seconds / 1e6:5.2f} M rows/s")
    parquet = best["parquet"][0]
    print(f"SDMX-CSV / Parquet: {best['sdmx-csv'][0] / parquet:.2f}×   plain CSV / Parquet: {best['csv'][0] / parquet:.2f}×"
          f"   SDMX-CSV / plain CSV: {best['sdmx-csv'][0] / best['csv'][0]:.2f}×")


if __name__ == "__main__":
    main()
