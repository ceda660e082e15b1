"""Durability at ten million observations (figures printed, never asserted).

1. GC: retention over snapshots of the 10 M-observation site warehouse (bench/site_data.py:
   4,000 series, 421 releases) — removing three old 10 M snapshots, each checked for readers —
   against the baseline of copying one snapshot (what every load pays).
2. Verify: recording the manifests of all 420 published releases (rows and texts; pinned files are
   measured for the newest release only) and `verify --all` against them; baseline: one plain scan
   of the observations (count and sum) in the same run.
3. Approve: `statpub approve` of one 10 M-observation release (bench/synthetic.py content, 10,000
   series × 1,000 months, loaded by the ETL first), split into the checks and the reload, against
   the ETL load of the same content in the same run.

    python -m bench.durable_bench [--only gc-verify|approve]
Data is generated deterministically under bench/data/ (never committed)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import site_data
from bench.common import machine
from statpub.kernel.clock import Clock
from statpub.kernel.config import Settings

DATA = Path(__file__).resolve().parent / "data"
NOW = Clock(start=datetime(2026, 1, 1, tzinfo=UTC))


def _timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench_gc_and_verify() -> None:
    from statpub.cli.verify import SiteFiles, record, verify
    from statpub.warehouse import manifests as mf
    from statpub.warehouse.reader import WarehouseReader
    from statpub.warehouse.snapshots import SnapshotStore

    source = site_data.build()
    work = DATA / "durable-10m"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    current = SnapshotStore(source).current()
    size = current.stat().st_size
    copy_s, _ = _timed(lambda: shutil.copyfile(current, work / "statpub_v000001.duckdb"))
    for version in (2, 3, 4):
        shutil.copyfile(current, work / f"statpub_v{version:06d}.duckdb")
    store = SnapshotStore(work)
    store.publish(work / "statpub_v000004.duckdb")
    with store.writer_lock():
        gc_s, collected = _timed(lambda: store.collect_garbage(keep=0))
    print(f"GC: removed {len(collected.removed)} snapshots of {size / 1e6:.0f} MB in {gc_s:.3f} s; "
          f"baseline copy of one snapshot {copy_s:.2f} s (ratio {gc_s / copy_s:.3f})")

    settings = Settings(root=Path(__file__).resolve().parents[1], warehouse_dir=work)
    os.environ.pop(mf.ENV_MANIFESTS, None)
    reader = WarehouseReader(work)
    cur = reader.snapshot().cursor()
    scan_s, _ = _timed(lambda: cur.execute("SELECT count(*), sum(value) FROM observations").fetchone())
    cur.close()
    record_s, recorded = _timed(lambda: record(settings, NOW, files=False))
    verify_s, report = _timed(lambda: verify(settings, NOW, every=True, files=False))
    sample_s, _ = _timed(lambda: verify(settings, NOW, files=False))
    rows = sum(m["rows"]["count"] for m in mf.ManifestRecord.open(mf.manifests_dir(settings)).latest().values())
    sidecars = sum(p.stat().st_size for p in (work / "manifests" / "rows").iterdir())
    print(f"manifests: {len(recorded)} releases, {rows:,} rows recorded in {record_s:.1f} s "
          f"(record {(work / 'manifests' / 'manifests.jsonl').stat().st_size / 1e6:.1f} MB, sidecars "
          f"{sidecars / 1e6:.1f} MB); verify --all {verify_s:.1f} s ({len(report.checked)} releases, "
          f"{'no drift' if report.ok else f'{len(report.drift)} drift'}); doctor's sample {sample_s:.2f} s; "
          f"baseline scan {scan_s:.2f} s (verify --all / scan {verify_s / scan_s:.1f}×)")
    newest = max(reader.snapshot().releases.values(), key=lambda r: (r.instant, r.id) if r.id != "bench-future"
                 else (datetime.min.replace(tzinfo=UTC), ""))
    from statpub.dashboards.api.files import pinned_files

    site = SiteFiles(settings, NOW)
    paths = pinned_files(newest)
    core = [p for p, _ in paths if "/series/" not in p]
    series = [p for p, _ in paths if "/series/" in p]
    core_s, core_bytes = _timed(lambda: sum(len(site.fetch(p) or b"") for p in core))
    some_s, _ = _timed(lambda: [site.fetch(p) for p in series[:30]])
    print(f"pinned files of the newest vintage ({newest.id}): {len(core)} vintage-wide files "
          f"({core_bytes / 1e6:.0f} MB: history, values, data package, the release's own) built and hashed in "
          f"{core_s:.1f} s; series files {some_s / 30 * 1000:.0f} ms each ({len(series)} in this vintage: "
          f"{some_s / 30 * len(series):.0f} s)")


def bench_approve() -> None:
    from bench.synthetic import write_content

    root = DATA / "durable-approve-10m"
    shutil.rmtree(root, ignore_errors=True)
    write_content(root, series=10_000, months=1_000, instant="2099-01-19T10:00:00+08:00")
    folder = root / "releases" / "synthetic"
    (folder / "interpretation.zh.md").write_text("合成数据{{S00001@1901-01}}。\n", encoding="utf-8")
    (folder / "interpretation.en.md").write_text("Synthetic data: {{S00001@1901-01}}.\n", encoding="utf-8")
    env = {**os.environ, "STATPUB_ROOT": str(root), "STATPUB_WAREHOUSE": str(root / "warehouse"),
           "STATPUB_NOW": "2026-01-01T00:00:00+08:00"}
    cli = [sys.executable, "-m", "statpub"]
    load_s, done = _timed(lambda: subprocess.run([*cli, "load", "--quiet"], env=env, capture_output=True, text=True))
    assert done.returncode == 0, done.stderr
    check_s, done = _timed(lambda: subprocess.run([*cli, "check", "synthetic"], env=env, capture_output=True,
                                                  text=True))
    approve_s, done = _timed(lambda: subprocess.run([*cli, "approve", "synthetic", "--reviewer", "基准 Bench"],
                                                    env=env, capture_output=True, text=True))
    status = "ok" if done.returncode == 0 else f"refused: {done.stderr.strip()[:300]}"
    snapshots = len(list((root / "warehouse").glob("statpub_v*.duckdb")))
    # What approving used to cost on top of the checks: a load that copies the whole snapshot to
    # carry the new approval (the next load still does, once).
    copy_s, done = _timed(lambda: subprocess.run([*cli, "load", "--quiet"], env=env, capture_output=True, text=True))
    snapshot = max((root / "warehouse").glob("statpub_v*.duckdb"))
    print(f"approve at 10 M observations: {approve_s:.1f} s ({status}; snapshots after it: {snapshots}); "
          f"of which the checks alone {check_s:.1f} s; the full-copy reload approving used to run "
          f"{copy_s:.1f} s; baseline ETL load of the same content {load_s:.1f} s "
          f"(approve / load {approve_s / load_s:.2f}×); snapshot {snapshot.stat().st_size / 1e6:.0f} MB")


def bench_approve_paths() -> None:
    """The approval itself at 10 M observations, after its checks: recording it beside the snapshot
    (what `statpub approve` does now) against the full-copy reload it used to run (what the next
    load still does once), on the warehouse `bench_approve` loaded."""
    from statpub.etl.approvals import Approval, append_approval
    from statpub.etl.load import load
    from statpub.etl.review_config import approvals_path
    from statpub.review.approve import _record_beside_snapshot
    from statpub.warehouse.reader import WarehouseReader

    root = DATA / "durable-approve-10m"
    settings = Settings(root=root, warehouse_dir=root / "warehouse")
    clock = Clock(start=datetime(2026, 1, 1, tzinfo=UTC))
    reader = WarehouseReader(settings.warehouse_dir)
    snapshot = reader.snapshot()
    cur = snapshot.cursor()
    content, data, texts, entry = cur.execute("SELECT content_hash, data_hash, texts_hash, entry_hash FROM "
                                              "release_content WHERE release_id = 'synthetic'").fetchone()
    cur.close()
    append_approval(approvals_path(settings.content), Approval(
        release="synthetic", reviewer="基准 Bench", approved_at=clock.now(), content_hash=content, data=data,
        texts=texts, entry=entry, user="bench"))
    overlay_s, _ = _timed(lambda: _record_beside_snapshot(settings, snapshot))
    reopen_s, fresh = _timed(reader.snapshot)
    assert fresh.releases["synthetic"].review.approved
    copy_s, _ = _timed(lambda: load(settings, clock=clock))
    size = max(settings.warehouse_dir.glob("statpub_v*.duckdb")).stat().st_size
    print(f"approval at 10 M observations, after its checks: recorded beside the snapshot in {overlay_s:.3f} s, "
          f"readers follow in {reopen_s:.3f} s (one snapshot reopen); the full-copy reload it used to run "
          f"{copy_s:.1f} s ({size / 1e6:.0f} MB snapshot; ratio {copy_s / (overlay_s + reopen_s):.0f}×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["gc-verify", "approve", "approve-paths"], help="run one part only")
    args = parser.parse_args()
    print(machine())
    if args.only in (None, "gc-verify"):
        bench_gc_and_verify()
    if args.only in (None, "approve"):
        bench_approve()
    if args.only in (None, "approve", "approve-paths"):
        bench_approve_paths()


if __name__ == "__main__":
    main()
