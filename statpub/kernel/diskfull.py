"""A full disk, said plainly: every writer (loads, approvals, packs, the download cache, backups)
turns "No space left on device" — from the OS or from DuckDB — into one clear error that says
what failed, where, that nothing changed, and what to do. Partial files are the writer's to
remove before the error reaches the user."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from statpub.kernel.errors import StatpubError

FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_MESSAGES = ("no space left on device", "disk quota exceeded", "file too large")


class DiskFull(StatpubError):
    status = 503  # for the site: try again later; nothing is wrong with the request
    title = "Disk full"


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in FULL_ERRNOS:
        return True
    text = str(exc).lower()  # DuckDB reports the OS error inside its own exception types
    return any(message in text for message in _MESSAGES)


@contextmanager
def disk_full_said(what: str, where: Path, unchanged: str) -> Iterator[None]:
    """Re-raise a full-disk failure inside the block as DiskFull naming `what` and `where`."""
    try:
        yield
    except DiskFull as exc:  # a writer inside this one ran out: say what the user asked for first
        raise DiskFull(f"{what}: {exc.message}") from exc
    except Exception as exc:
        if not is_disk_full(exc):
            raise
        raise DiskFull(f"{what} failed: the disk holding {where} is full ({exc.__class__.__name__}: "
                       f"{str(exc).strip()[:200]}). {unchanged} Partial files were removed. Free space "
                       "(`statpub gc`, old backups, the cache folder) and try again.") from exc
