"""Generate once, serve the bytes many times — within a bounded amount of disk.

Files for a published vintage never change, so each is built on first request, written
atomically under the warehouse data folder (`cache/<name>/`), and served from disk afterwards with
its sha256 as a strong ETag. The key must name everything the bytes depend on (the snapshot's
vintage identity: release ids and instants, the query, the format).

Public requests choose what gets built, so the cache is bounded: `STATPUB_CACHE_MB` per cache
folder (read from the environment when the cache is made; default 1024). Each hit marks its entry
as used (the digest file's mtime); after builds, the least recently used entries are removed until
the folder is back under 90 % of its bound. Workers of one machine share a folder and its bound.
An entry is its file, its `.sha256` digest and any sidecar named after it (`<file>.name`).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from statpub.kernel.diskfull import disk_full_said
from statpub.kernel.hashing import sha256_file

ENV_CACHE_MB = "STATPUB_CACHE_MB"
DEFAULT_CACHE_MB = 1024
KEY_GENERATION = 2  # bumped when what a key's bytes hold changes (2: text neutralised against formulas)
LOW_WATER = 0.9  # evict down to this share of the bound
SCAN_EVERY = 30.0  # seconds between scans while building (sooner once a tenth of the bound was written)
TOUCH_EVERY = 60.0  # seconds: a hit refreshes its entry's use time at most this often
STALE_TMP = 3600.0  # seconds: a half-written file older than this belonged to a killed build


@dataclass(frozen=True)
class CachedFile:
    path: Path
    sha256: str


def default_max_bytes() -> int:
    text = os.environ.get(ENV_CACHE_MB, "").strip()
    megabytes = int(text) if text.isdigit() and int(text) > 0 else DEFAULT_CACHE_MB
    return megabytes << 20


class FileCache:
    def __init__(self, folder: Path, max_bytes: int | None = None):
        self.folder = folder
        self.max_bytes = max_bytes if max_bytes is not None else default_max_bytes()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._written = 0  # bytes built since the last scan
        self._scanned = 0.0

    @staticmethod
    def key(*parts: object) -> str:
        return hashlib.sha256("\x1f".join(map(str, (KEY_GENERATION, *parts))).encode()).hexdigest()[:40]

    def _paths(self, key: str, suffix: str) -> tuple[Path, Path]:
        path = self.folder / key[:2] / f"{key}{suffix}"
        return path, path.with_name(path.name + ".sha256")

    def has(self, key: str, suffix: str) -> bool:
        """Whether `key` is built already (its file and its digest are there)."""
        path, digest = self._paths(key, suffix)
        return path.is_file() and digest.is_file()

    def _hit(self, path: Path, digest: Path) -> CachedFile | None:
        try:
            sha = digest.read_text().strip()
            if not path.is_file():
                return None
            if time.time() - digest.stat().st_mtime > TOUCH_EVERY:
                os.utime(digest)  # used now: last in line for eviction
        except FileNotFoundError:  # evicted under our feet: build it again
            return None
        return CachedFile(path, sha)

    def get_or_build(self, key: str, suffix: str, build: Callable[[Path], None]) -> CachedFile:
        """The cached file for `key`, built by `build(tmp_path)` if missing. Concurrent requests
        in one process build it once; across processes the atomic rename makes a race harmless."""
        path, digest = self._paths(key, suffix)
        found = self._hit(path, digest)
        if found is not None:
            return found
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            found = self._hit(path, digest)
            if found is not None:
                return found
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp_digest = digest.with_name(f".{digest.name}.{os.getpid()}.tmp")
            try:
                with disk_full_said("building a download", self.folder, "Files already built are still served."):
                    build(tmp)
                    sha = sha256_file(tmp)
                    size = tmp.stat().st_size
                    os.replace(tmp, path)
                    tmp_digest.write_text(sha)
                    os.replace(tmp_digest, digest)
            finally:
                tmp.unlink(missing_ok=True)
                tmp_digest.unlink(missing_ok=True)
        with self._guard:
            self._locks.pop(key, None)
        self._after_build(size)
        return CachedFile(path, sha)

    def _after_build(self, size: int) -> None:
        with self._guard:
            self._written += size
            due = self._written > self.max_bytes // 10 or time.monotonic() - self._scanned > SCAN_EVERY
            if due:
                self._written, self._scanned = 0, time.monotonic()
        if due:
            self.evict()

    def entries(self) -> list[tuple[float, int, list[Path]]]:
        """Every entry: (last use, bytes, its files); half-written files of killed builds removed."""
        by_digest: dict[Path, list[Path]] = {}
        now = time.time()
        for file in self.folder.rglob("*"):
            if not file.is_file():
                continue
            if file.name.startswith(".") and file.name.endswith(".tmp"):
                if now - file.stat().st_mtime > STALE_TMP:
                    file.unlink(missing_ok=True)
                continue
            base = file.with_name(file.name.removesuffix(".sha256")) if file.name.endswith(".sha256") else None
            by_digest.setdefault(base or _owner(file), []).append(file)
        found = []
        for base, files in by_digest.items():
            digest = base.with_name(base.name + ".sha256")
            try:
                used = digest.stat().st_mtime
                size = sum(f.stat().st_size for f in files)
            except FileNotFoundError:
                continue
            found.append((used, size, files))
        return found

    def size(self) -> int:
        return sum(size for _used, size, _files in self.entries())

    def evict(self) -> int:
        """Remove least recently used entries until under LOW_WATER of the bound; bytes freed."""
        entries = sorted(self.entries(), key=lambda e: e[0])
        total = sum(size for _used, size, _files in entries)
        freed = 0
        if total <= self.max_bytes:
            return 0
        for _used, size, files in entries:
            if total - freed <= self.max_bytes * LOW_WATER:
                break
            for file in sorted(files, key=lambda f: not f.name.endswith(".sha256")):  # digest first
                file.unlink(missing_ok=True)
            freed += size
        return freed


def _owner(file: Path) -> Path:
    """The entry a file belongs to: itself, or the file a sidecar (`<file>.name`) is named after."""
    stem, dot, _extra = file.name.rpartition(".")
    if dot and stem.count(".") >= 1 and file.with_name(stem).exists():
        return file.with_name(stem)
    return file
