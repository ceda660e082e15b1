"""Generate once, serve the bytes many times.

Files for a published vintage never change, so each is built on first request, written
atomically under the warehouse data folder (`cache/`), and served from disk afterwards with its
sha256 as a strong ETag. The key must name everything the bytes depend on (the snapshot's
vintage identity: release ids and instants, the query, the format)."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from statpub.kernel.hashing import sha256_file


@dataclass(frozen=True)
class CachedFile:
    path: Path
    sha256: str


class FileCache:
    def __init__(self, folder: Path):
        self.folder = folder
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @staticmethod
    def key(*parts: object) -> str:
        return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:40]

    def has(self, key: str, suffix: str) -> bool:
        """Whether `key` is built already (its file and its digest are there)."""
        path = self.folder / key[:2] / f"{key}{suffix}"
        return path.is_file() and path.with_name(path.name + ".sha256").is_file()

    def get_or_build(self, key: str, suffix: str, build: Callable[[Path], None]) -> CachedFile:
        """The cached file for `key`, built by `build(tmp_path)` if missing. Concurrent requests
        in one process build it once; across processes the atomic rename makes a race harmless."""
        path = self.folder / key[:2] / f"{key}{suffix}"
        digest = path.with_name(path.name + ".sha256")
        if path.is_file() and digest.is_file():
            return CachedFile(path, digest.read_text().strip())
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if path.is_file() and digest.is_file():
                return CachedFile(path, digest.read_text().strip())
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            try:
                build(tmp)
                sha = sha256_file(tmp)
                os.replace(tmp, path)
                tmp_digest = digest.with_name(f".{digest.name}.{os.getpid()}.tmp")
                tmp_digest.write_text(sha)
                os.replace(tmp_digest, digest)
            finally:
                tmp.unlink(missing_ok=True)
            return CachedFile(path, sha)
