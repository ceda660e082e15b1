"""Retention: which snapshots stay, what killed loads left behind, and how much disk it all takes.

Kept: the current snapshot, the `STATPUB_KEEP_SNAPSHOTS` newest before it (default 2: a quick
way back after a bad load, and room for workers still finishing requests on the previous one),
and any snapshot a reader holds (`warehouse/holds.py`). Every published vintage lives on in each
newer snapshot, so removing an old file loses nothing published. Removed: older snapshots, and the
orphans of killed loads — numbered files above `current`, their `.wal`, DuckDB spill files, the
latest views of removed snapshots (`.views`), stray hold files, temporary `current` links, the
loader's scratch folder and half-written cache files of processes that no longer run.

Collection runs under the writer lock (no load is writing), at the start and the end of every
load and by `statpub gc`. The scheduler will run `statpub gc` at instants once it exists; until
then loads keep the folder tidy themselves.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from statpub.kernel.errors import UserError
from statpub.warehouse import holds

ENV_KEEP = "STATPUB_KEEP_SNAPSHOTS"
DEFAULT_KEEP = 2  # previous snapshots kept besides `current`
ENV_DISK_WARN = "STATPUB_DISK_WARN_PERCENT"
DEFAULT_DISK_WARN = 85.0
SNAPSHOT_FILE = re.compile(r"^statpub_v(\d{6})\.duckdb(?P<extra>\.wal|\.readers|\.tmp|\.views)?$")
TEMP_LINK = re.compile(r"^\.current\.(\d+)$")
CACHE_TEMP = re.compile(r"^\..+\.(\d+)(\.\d+)?\.tmp$")
CACHE_TEMP_AGE = 3600  # a cache file being written by a live process is never this old


def keep_setting(env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    raw = env.get(ENV_KEEP, "").strip()
    if not raw:
        return DEFAULT_KEEP
    try:
        keep = int(raw)
    except ValueError:
        raise UserError(f"{ENV_KEEP}={raw!r}: expected a whole number of previous snapshots to keep "
                        f"(default {DEFAULT_KEEP})") from None
    if keep < 0:
        raise UserError(f"{ENV_KEEP}={raw!r} must be 0 or more")
    return keep


@dataclass
class Collected:
    removed: list[str] = field(default_factory=list)  # snapshot files removed
    orphans: list[str] = field(default_factory=list)  # leftovers of killed loads and writers
    held: list[str] = field(default_factory=list)  # due for removal but a reader holds them
    kept: list[str] = field(default_factory=list)
    freed_bytes: int = 0

    def as_json(self) -> dict:
        return {"removed": self.removed, "orphans": self.orphans, "held": self.held, "kept": self.kept,
                "freed_bytes": self.freed_bytes}


def collect(data_dir: Path, current: Path | None, keep: int | None = None) -> Collected:
    """Remove what retention does not keep. Call only under the writer lock."""
    keep = keep_setting() if keep is None else keep
    out = Collected()
    if not data_dir.is_dir():
        return out
    versions = sorted({int(m.group(1)) for p in data_dir.iterdir()
                       if (m := SNAPSHOT_FILE.match(p.name)) and not m.group("extra")})
    current_version = _version_of(current)
    older = [v for v in versions if current_version is None or v < current_version]
    wanted = set(older[max(0, len(older) - keep):]) if current_version is not None else set(versions)
    for version in versions:
        path = data_dir / f"statpub_v{version:06d}.duckdb"
        if version == current_version or version in wanted:
            out.kept.append(path.name)
            continue
        orphan = current_version is not None and version > current_version
        _remove_snapshot(path, out, orphan)
    _remove_leftovers(data_dir, out)
    return out


def _version_of(path: Path | None) -> int | None:
    match = SNAPSHOT_FILE.match(path.name) if path is not None else None
    return int(match.group(1)) if match and not match.group("extra") else None


def _remove_snapshot(path: Path, out: Collected, orphan: bool) -> None:
    fd = holds.try_exclusive(path)
    if fd is None:
        out.held.append(path.name)
        out.kept.append(path.name)
        return
    try:
        for extra in ("", ".wal"):
            out.freed_bytes += _unlink(path.with_name(path.name + extra))
        for folder in (".tmp", ".views"):  # DuckDB's spill files, the latest views (latest_view.py)
            beside = path.with_name(path.name + folder)
            if beside.is_dir():
                out.freed_bytes += _tree_size(beside)
                shutil.rmtree(beside, ignore_errors=True)
        (out.orphans if orphan else out.removed).append(path.name)
        holds.hold_path(path).unlink(missing_ok=True)
    finally:
        os.close(fd)


def _remove_leftovers(data_dir: Path, out: Collected) -> None:
    """Hold files, WAL files and spill folders without their snapshot; temporary links of dead
    processes; the loader's scratch folder; stale half-written cache files."""
    for path in data_dir.iterdir():
        match = SNAPSHOT_FILE.match(path.name)
        if match and match.group("extra"):
            base = data_dir / f"statpub_v{match.group(1)}.duckdb"
            if not base.exists() and (match.group("extra") != ".readers" or not holds.is_held(base)):
                if path.is_dir():
                    out.freed_bytes += _tree_size(path)
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    out.freed_bytes += _unlink(path)
                out.orphans.append(path.name)
        elif (link := TEMP_LINK.match(path.name)) and not _alive(int(link.group(1))):
            path.unlink(missing_ok=True)
            out.orphans.append(path.name)
    scratch = data_dir / "tmp"
    if scratch.is_dir() and any(scratch.iterdir()):
        out.freed_bytes += _tree_size(scratch)
        shutil.rmtree(scratch, ignore_errors=True)
        out.orphans.append("tmp/")
    cache = data_dir / "cache"
    if cache.is_dir():
        cutoff = time.time() - CACHE_TEMP_AGE
        for path in cache.rglob(".*.tmp"):
            match = CACHE_TEMP.match(path.name)
            if match and not _alive(int(match.group(1))) and _mtime(path) < cutoff:
                out.freed_bytes += _unlink(path)
                out.orphans.append(str(path.relative_to(data_dir)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return time.time()


def _unlink(path: Path) -> int:
    try:
        size = path.stat().st_size
        path.unlink()
    except FileNotFoundError:
        return 0
    return size


def _tree_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
