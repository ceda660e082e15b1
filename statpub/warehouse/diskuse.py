"""Disk use of the warehouse folder, for `statpub status` and `statpub doctor`.

A load writes a full copy of the current snapshot before it swaps, so the filesystem must keep
room for one more snapshot besides the warning threshold (`STATPUB_DISK_WARN_PERCENT`, default
85 % used)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from statpub.warehouse import holds
from statpub.warehouse.retention import DEFAULT_DISK_WARN, ENV_DISK_WARN, SNAPSHOT_FILE


@dataclass(frozen=True)
class DiskUse:
    folder: str
    snapshots: int  # bytes of snapshot files (with WAL files)
    snapshot_count: int
    held: tuple[str, ...]  # snapshots besides the current one that some reader holds now
    current_bytes: int
    cache: int
    store: int  # the operational SQLite store, when it lives here
    other: int
    fs_total: int
    fs_free: int
    warn_percent: float

    @property
    def total(self) -> int:
        return self.snapshots + self.cache + self.store + self.other

    @property
    def fs_used_percent(self) -> float:
        return 100.0 * (self.fs_total - self.fs_free) / self.fs_total if self.fs_total else 0.0

    def warnings(self) -> list[str]:
        out = []
        if self.fs_used_percent >= self.warn_percent:
            out.append(f"the filesystem holding {self.folder} is {self.fs_used_percent:.0f} % full "
                       f"(warning at {self.warn_percent:.0f} %, {ENV_DISK_WARN})")
        if self.current_bytes and self.fs_free < 2 * self.current_bytes:
            out.append(f"only {human(self.fs_free)} free: the next load needs room for a copy of the current "
                       f"snapshot ({human(self.current_bytes)}) and its growth")
        return out

    def summary(self) -> str:
        return (f"{human(self.total)} in {self.folder}: {self.snapshot_count} snapshot(s) {human(self.snapshots)}, "
                f"cache {human(self.cache)}, store {human(self.store)}, other {human(self.other)}; "
                f"filesystem {self.fs_used_percent:.0f} % used, {human(self.fs_free)} free")

    def as_json(self) -> dict:
        return {"folder": self.folder, "bytes": self.total, "snapshots_bytes": self.snapshots,
                "snapshots": self.snapshot_count, "held": list(self.held), "current_bytes": self.current_bytes,
                "cache_bytes": self.cache, "store_bytes": self.store, "other_bytes": self.other,
                "filesystem_total_bytes": self.fs_total, "filesystem_free_bytes": self.fs_free,
                "filesystem_used_percent": round(self.fs_used_percent, 1), "warn_percent": self.warn_percent,
                "warnings": self.warnings()}


def warn_percent(env: Mapping[str, str] | None = None) -> float:
    env = os.environ if env is None else env
    try:
        return float(env.get(ENV_DISK_WARN) or DEFAULT_DISK_WARN)
    except ValueError:
        return DEFAULT_DISK_WARN


def measure(data_dir: Path, current: Path | None) -> DiskUse:
    sizes = {"snapshots": 0, "cache": 0, "store": 0, "other": 0}
    count, held = 0, []
    if data_dir.is_dir():
        for entry in data_dir.iterdir():
            size = _size(entry)
            match = SNAPSHOT_FILE.match(entry.name)
            if match:
                sizes["snapshots"] += size
                if not match.group("extra"):
                    count += 1
                    if entry != current and holds.is_held(entry):
                        held.append(entry.name)
            elif entry.name == "cache":
                sizes["cache"] += size
            elif entry.name.startswith("operational.sqlite"):
                sizes["store"] += size
            else:
                sizes["other"] += size
    probe = data_dir if data_dir.exists() else data_dir.parent
    while not probe.exists():
        probe = probe.parent
    usage = shutil.disk_usage(probe)
    current_bytes = current.stat().st_size if current is not None and current.exists() else 0
    return DiskUse(str(data_dir), sizes["snapshots"], count, tuple(sorted(held)), current_bytes, sizes["cache"],
                   sizes["store"], sizes["other"], usage.total, usage.free, warn_percent())


def human(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


def _size(path: Path) -> int:
    try:
        if path.is_symlink():
            return 0
        if path.is_dir():
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        return path.stat().st_size
    except FileNotFoundError:
        return 0
