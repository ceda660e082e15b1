"""How readers announce which snapshot they hold, so retention never removes it under them.

Every process that opens a snapshot first takes a *shared* `flock` on its hold file
(`statpub_v000042.duckdb.readers`, beside the snapshot) and keeps it while the snapshot is open.
Retention removes a snapshot only while it holds that file *exclusively*, which it cannot get
while any reader has it. Locks belong to open file descriptions, so the kernel releases them when
a reader closes the snapshot, exits or is killed with `kill -9`: no stale entry can pin a snapshot
for ever, and nothing has to walk /proc.

Why it matters although Linux keeps an unlinked file's inode alive for whoever has it open: a
reader resolves `current` and then opens the file by name; removing the file between the two would
fail that open, and a removed file's disk space is not given back until its last reader lets go.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from statpub.kernel.errors import StatpubError

HOLD_SUFFIX = ".readers"


class SnapshotGone(StatpubError):
    """The snapshot was removed before this reader could hold it (resolve `current` again)."""

    title = "Snapshot removed"


def hold_path(snapshot: Path) -> Path:
    return snapshot.with_name(snapshot.name + HOLD_SUFFIX)


def hold(snapshot: Path) -> int:
    """Take a shared hold on `snapshot`; returns the descriptor to close when done with it.
    Raises SnapshotGone when retention removed it first."""
    path = hold_path(snapshot)
    for _attempt in range(5):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while retention removes this very snapshot
            if _same_file(fd, path) and snapshot.exists():
                return fd
            gone = not snapshot.exists()
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        if gone:
            _unlink_quietly(path)  # the hold file this attempt created for a removed snapshot
            raise SnapshotGone(f"{snapshot.name} was removed by retention")
    raise SnapshotGone(f"could not hold {snapshot.name}: its hold file keeps changing")


def release(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def try_exclusive(snapshot: Path) -> int | None:
    """For retention: an exclusive hold (descriptor) when no reader holds `snapshot`, else None."""
    path = hold_path(snapshot)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def is_held(snapshot: Path) -> bool:
    """Whether some process holds `snapshot` now (for reports; retention uses try_exclusive)."""
    if not hold_path(snapshot).exists():
        return False
    fd = try_exclusive(snapshot)
    if fd is None:
        return True
    os.close(fd)
    return False


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (mine.st_dev, mine.st_ino)


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
