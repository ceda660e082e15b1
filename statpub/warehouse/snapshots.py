"""Versioned warehouse snapshots and the atomic swap.

The ETL never writes to the file readers use. It copies the current snapshot to a new numbered
file (`statpub_v000042.duckdb`), writes there, checkpoints, closes, fsyncs, and then replaces the
`current` symlink with `os.replace` (atomic on POSIX). A failure or `kill -9` at any moment leaves
`current` pointing at the previous, complete snapshot. Names are never reused: DuckDB caches open
databases per path inside a process, so a reused name would keep serving the old inode.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from statpub.kernel.diskfull import disk_full_said
from statpub.kernel.errors import UserError
from statpub.warehouse import retention
from statpub.warehouse.schema import migrate

SNAPSHOT_RE = re.compile(r"^statpub_v(\d{6})\.duckdb$")
CURRENT = "current"


class SnapshotStore:
    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)

    @property
    def current_link(self) -> Path:
        return self.data_dir / CURRENT

    def current(self) -> Path | None:
        """The snapshot file readers should use, or None before the first load."""
        try:
            target = os.readlink(self.current_link)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError:
            raise UserError(f"{self.current_link} is not a symlink; restore it with `ln -sfn "
                            "statpub_vNNNNNN.duckdb current` or run `statpub load`") from None
        return self.data_dir / target

    def versions(self) -> list[int]:
        if not self.data_dir.is_dir():
            return []
        found = (SNAPSHOT_RE.match(p.name) for p in self.data_dir.iterdir())
        return sorted(int(m.group(1)) for m in found if m)

    def path_for(self, version: int) -> Path:
        return self.data_dir / f"statpub_v{version:06d}.duckdb"

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """One writer at a time; a second load fails fast instead of waiting silently."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.data_dir / ".write.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UserError(f"another load is writing to {self.data_dir}; try again when it ends") from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def build(self) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
        """Yield a read-write connection on a new snapshot that starts as a copy of the current one.

        On normal exit the snapshot is checkpointed, closed, synced and swapped in; on an exception
        it is deleted and `current` is untouched. Hold `writer_lock()` around this. What killed
        loads left behind is removed first: the copy may need that room."""
        self.collect_garbage()
        new_path = self.path_for(max(self.versions(), default=0) + 1)
        previous = self.current()
        unchanged = f"Nothing was changed: {previous.name if previous else 'no snapshot'} still serves."
        with disk_full_said(f"writing snapshot {new_path.name}", self.data_dir, unchanged):
            try:
                if previous is not None:
                    shutil.copyfile(previous, new_path)
                con = duckdb.connect(str(new_path))
            except BaseException:
                self._discard(new_path)
                raise
            try:
                con.execute("SET temp_directory = ?", [str(self.data_dir / "tmp")])
                con.execute("SET enable_progress_bar = false")
                migrate(con)
                yield con, new_path
                con.execute("CHECKPOINT")
                con.close()
                _fsync(new_path)
            except BaseException:
                con.close()
                self._discard(new_path)
                raise
            try:
                self.publish(new_path)
            except BaseException:
                self._discard(new_path)
                raise
        self.collect_garbage()

    def _discard(self, snapshot: Path) -> None:
        """Remove a snapshot that was never swapped in, with its WAL and the loader's scratch files."""
        _remove(snapshot)
        _remove(snapshot.with_name(snapshot.name + ".wal"))
        shutil.rmtree(self.data_dir / "tmp", ignore_errors=True)

    def publish(self, snapshot: Path) -> None:
        tmp_link = self.data_dir / f".{CURRENT}.{os.getpid()}"
        _remove(tmp_link)
        os.symlink(snapshot.name, tmp_link)
        os.replace(tmp_link, self.current_link)
        _fsync_dir(self.data_dir)

    def collect_garbage(self, keep: int | None = None) -> retention.Collected:
        """Apply retention (`warehouse/retention.py`): keep `current`, the `keep` newest before it
        (STATPUB_KEEP_SNAPSHOTS) and any a reader holds; remove the rest and the orphans of killed
        loads. Call only under `writer_lock()`."""
        return retention.collect(self.data_dir, self.current(), keep)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
