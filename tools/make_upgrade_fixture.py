"""Build the upgrade fixture: a small office's content root, warehouse and operational store, made
by the *previous* tagged version of statpub, with what that version published.

    git -C /work/main worktree add /tmp/statpub-v0.1.0 v0.1.0
    .venv/bin/python -m tools.make_upgrade_fixture /tmp/statpub-v0.1.0

The old code runs in a subprocess from its own tree (same Python and libraries): it writes the
content, loads and approves two releases (a first estimate and its revision, with flags and
notes), adds a press account and two access-log entries, and writes `expected.json` — every
published figure with its flag and note, both interpretations, the access log — as that version
served them. The result is packed as `tests/fixtures/upgrade/v0.1.0.tar.xz` (a DuckDB file is
mostly empty blocks, so the archive stays far below 1 MB); tests unpack it and upgrade it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from tests.fixtures.durable import FIRST, REVISED, SERIES

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "upgrade"
OLD_SIDE = r'''
import json, sqlite3, sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

from statpub.clock import Clock
from statpub.config import Settings
from etl.load import load
from tools.test_approvals import approve_loaded
from warehouse.gate import Gate
from warehouse.reader import WarehouseReader

out = Path(sys.argv[1])
content, warehouse = out / "content", out / "warehouse"
settings = Settings(root=content, warehouse_dir=warehouse)
spec = json.loads(sys.argv[2])
releases = []
for step, release in enumerate(spec["releases"]):
    folder = content / "releases" / release["id"]
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in release["files"].items():
        (folder / name).write_text(text, encoding="utf-8")
    entry = {k: v for k, v in release.items() if k not in ("files", "load_at")}
    releases.append(entry)
    (content / "calendar.yaml").write_text(yaml.safe_dump({"releases": releases}, allow_unicode=True,
                                                          sort_keys=False), encoding="utf-8")
    clock = Clock(start=datetime.fromisoformat(release["load_at"]))
    load(settings, clock=clock)
    approve_loaded(settings, clock, "旧版审核员 Reviewer of v0.1.0")

from press.store import OperationalStore
with OperationalStore(warehouse / "operational.sqlite").connect():
    pass  # the first connection creates the v0.1.0 schema
store = sqlite3.connect(warehouse / "operational.sqlite")
store.execute("INSERT INTO users VALUES ('press.li', 'press', 'argon2-placeholder', 0, '2024-12-01T00:00:00+00:00', NULL)")
store.executemany("INSERT INTO access_log (at, user_name, role, release_id, what, channel, file_name, sha256) "
                  "VALUES (?, 'press.li', 'press', 'q1-final', ?, ?, ?, ?)",
                  [("2024-12-09T03:00:00+00:00", "view", "web", None, None),
                   ("2024-12-09T03:10:00+00:00", "export", "cli", "q1-final-briefing-pack.zip", "cd" * 32)])
store.commit()
store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
store.execute("PRAGMA journal_mode = DELETE")
store.close()

snapshot = WarehouseReader(warehouse).snapshot()
gate = Gate(snapshot, datetime(2025, 1, 1, tzinfo=UTC))
history = gate.history().read_all().to_pylist()
figures = sorted([[r["series_code"], r["period"], r["value"], r["status"], r["note"], r["release_id"]]
                  for r in history], key=lambda r: [str(x) for x in r])
texts = {rid: {lang: gate.interpretation(rid, lang) for lang in ("zh", "en")} for rid in ("q1", "q1-final")}
con = sqlite3.connect(warehouse / "operational.sqlite")
con.row_factory = sqlite3.Row
log = [dict(r) for r in con.execute("SELECT at, user_name, role, release_id, what, channel, file_name, sha256 "
                                    "FROM access_log ORDER BY id")]
con.close()
(out / "expected.json").write_text(json.dumps({
    "version": "0.1.0", "now": "2025-01-01T00:00:00+00:00", "snapshot": snapshot.name,
    "figures": figures, "texts": texts, "access_log": log,
    "public": sorted(r.id for r in gate.published_releases())}, ensure_ascii=False, indent=1), encoding="utf-8")
'''


def spec() -> dict:
    texts = {"interpretation.zh.md": "一季度地区生产总值{{GDP@2024-Q1}}。\n",
             "interpretation.en.md": "GDP in the first quarter: {{GDP@2024-Q1}}.\n"}
    source = [{"file": "d.csv", "layout": "long"}]
    estimated = FIRST.replace("PART_B,2024-Q1,60,p,", "PART_B,2024-Q1,60,e,估计数 estimate")
    return {"releases": [
        {"id": "q1", "title": {"zh": "一季度", "en": "First quarter"}, "kind": "quarterly",
         "instant": "2024-04-19T10:00:00+08:00", "state": "confirmed", "series": SERIES, "sources": source,
         "files": {"d.csv": estimated, **texts}, "load_at": "2024-04-01T00:00:00+08:00"},
        {"id": "q1-final", "title": {"zh": "一季度最终核实", "en": "First quarter, final"}, "kind": "quarterly",
         "instant": "2024-12-10T10:00:00+08:00", "state": "confirmed", "series": SERIES, "sources": source,
         "revision": {"stage": "final-verification", "reason": {"zh": "最终核实", "en": "final verification"}},
         "files": {"d.csv": REVISED, **texts}, "load_at": "2024-12-01T00:00:00+08:00"},
    ]}


def build(old_tree: Path, out_dir: Path = OUT) -> Path:
    import json

    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / "v0.1.0"
        (stage / "content" / "releases").mkdir(parents=True)
        shutil.copy(old_tree / "tests" / "etl_cases" / "catalogue.yaml", stage / "content" / "releases")
        subprocess.run([sys.executable, "-c", OLD_SIDE, str(stage), json.dumps(spec(), ensure_ascii=False)],
                       cwd=old_tree, env={"PYTHONPATH": str(old_tree), "PATH": "/usr/bin:/bin"}, check=True)
        for leftover in ("tmp", ".write.lock"):
            target = stage / "warehouse" / leftover
            shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
        out_dir.mkdir(parents=True, exist_ok=True)
        archive = out_dir / "v0.1.0.tar.xz"
        with tarfile.open(archive, "w:xz") as tar:
            tar.add(stage, arcname="v0.1.0", filter=_reset_owner)
    return archive


def _reset_owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 0
    return info


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old_tree", type=Path, help="a worktree of the previous tagged version (v0.1.0)")
    archive = build(parser.parse_args().old_tree.resolve())
    print(f"{archive}: {archive.stat().st_size} bytes")
